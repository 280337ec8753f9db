import type { FileHandle } from 'node:fs/promises';
import type { Sink } from './data-writer.js';

/** A Sink over a FileHandle: positional writes, each awaited, so a full disk fails the command. */
export function fileSink(handle: FileHandle): Sink {
  let position = 0;
  return {
    async write(bytes: Uint8Array) {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    },
  };
}
