export { runBin, workspaceRoot, type BinResult } from './run-bin.js';
export { makeTar, listTar, type FixtureEntry, type ListedEntry } from './tar-fixtures.js';
export { manifestOfDir, manifestOfTar, diffManifests, type FsManifest, type FsRecord } from './fs-manifest.js';
export { PaxXattrScanner } from './pax-xattrs.js';
export { requirePrerequisite } from './prerequisite.js';
export { rawTar, listRawTar, type RawEntry, type RawListed } from './raw-tar.js';
export { mountSmallDisk, type SmallDisk } from './small-disk.js';
export { wasiToolchainAvailable, buildWasiCommand } from './wasi-program.js';
export { newcCpio, type CpioEntry } from './newc-cpio.js';
