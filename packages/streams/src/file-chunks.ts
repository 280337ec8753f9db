import { open, type FileHandle } from 'node:fs/promises';

/**
 * A file's bytes in large chunks from two reused buffers, the next read running while the caller
 * works on the current chunk. A chunk is valid only until the caller asks for the one after it:
 * for consumers that copy what they keep (TarParser does), not for ones that queue chunks.
 * Reusing buffers avoids faulting in fresh memory for every read, which costs more system time
 * than the read itself.
 */
export async function* readFileChunks(path: string, chunkSize = 2 * 1024 * 1024): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let position = 0;
  let current = 0;
  let pending: Promise<number> | null = readSome(handle, buffers[0]!, position);
  try {
    for (;;) {
      const n = await pending;
      pending = null;
      if (n === 0) return;
      position += n;
      const chunk = buffers[current]!.subarray(0, n);
      current ^= 1;
      pending = readSome(handle, buffers[current]!, position);
      pending.catch(() => undefined); // surfaced by the next await
      yield chunk;
    }
  } finally {
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

async function readSome(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  return (await handle.read(buffer, 0, buffer.length, position)).bytesRead;
}
