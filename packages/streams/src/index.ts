export { archivePath, relativeArchivePath, parentPath, baseName, compareBytes } from './safe-path.js';
export { openInput, assertReadableFile } from './open-input.js';
export { createAtomicOutput, writeAtomically, tempPathFor, type AtomicOutput } from './atomic-output.js';
export { DigestVerifier, assertDigest, SHA256_DIGEST, type VerifyOptions } from './digest.js';
export { readTar } from './tar-reader.js';
export { TarWriter } from './tar-writer.js';
export { xattrsOf, type TarEntry, type TarEntryType, type TarHeader } from './tar-types.js';
