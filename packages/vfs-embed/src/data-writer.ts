import { InputError } from '@c2w/errors';
import { encodeU32 } from '@c2w/streams';
import { CHUNK_SIZE, type EmbeddedFile } from './layout.js';

/** Where bytes go: appended in order, each write finished before the next starts. */
export interface Sink { write(bytes: Uint8Array): Promise<void> }

/** A file to embed: its bytes as a stream of chunks (valid until the next one is asked for). */
export type OpenFile = () => AsyncIterable<Uint8Array>;

const PASSIVE = Buffer.from([0x01]);

/** Bytes the passive segments of `chunkSizes` take in a data section (flags, size, data). */
export function chunkSegmentsBytes(chunkSizes: readonly number[]): number {
  return chunkSizes.reduce((sum, size) => sum + 1 + encodeU32(size).length + size, 0);
}

/**
 * Streams each file into its passive segments: a segment header at every 64 MiB boundary, the
 * file's own chunks written through as they come. A file whose length differs from the size it had
 * when the layout was made is an error (the section sizes are already written).
 */
export async function writeFileSegments(sink: Sink, file: EmbeddedFile, open: OpenFile): Promise<void> {
  let chunk = 0;
  let leftInChunk = 0;
  let written = 0;
  const startChunk = async () => {
    const size = Math.min(CHUNK_SIZE, file.size - chunk * CHUNK_SIZE);
    await sink.write(Buffer.concat([PASSIVE, encodeU32(size)]));
    leftInChunk = size;
    chunk++;
  };
  await startChunk();
  for await (const piece of open()) {
    let at = 0;
    while (at < piece.length) {
      if (written + (piece.length - at) > file.size) throw new InputError(`file ${file.path} grew while it was embedded: expected ${file.size} bytes`);
      if (leftInChunk === 0) await startChunk();
      const n = Math.min(leftInChunk, piece.length - at);
      await sink.write(piece.subarray(at, at + n));
      at += n;
      leftInChunk -= n;
      written += n;
    }
  }
  if (written !== file.size) throw new InputError(`file ${file.path} shrank while it was embedded: expected ${file.size} bytes, read ${written}`);
}
