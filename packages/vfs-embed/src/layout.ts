/** Chunk size of embedded files: one passive data segment holds at most 64 MiB (a power of two, so
 * the shim finds a chunk with a shift). Firefox caps one segment at 1 GiB; smaller chunks keep each
 * segment cheap for engines that validate or copy segments lazily. */
export const CHUNK_SHIFT = 26;
export const CHUNK_SIZE = 2 ** CHUNK_SHIFT;

/** One embedded file as the shim and the chunk table see it. */
export interface EmbeddedFile {
  /** Name inside the mount directory (no slash). */
  name: string;
  /** Host path it is read from. */
  path: string;
  size: number;
  /** Index of its first chunk among the embedded chunks (not the module's segment index). */
  firstChunk: number;
  chunkCount: number;
}

/** Lays files out in chunks, in command-line order: every file gets at least one (maybe empty) chunk. */
export function layoutFiles(files: readonly { name: string; path: string; size: number }[]): { files: EmbeddedFile[]; chunkSizes: number[] } {
  const out: EmbeddedFile[] = [];
  const chunkSizes: number[] = [];
  for (const f of files) {
    const chunkCount = Math.max(1, Math.ceil(f.size / CHUNK_SIZE));
    out.push({ ...f, firstChunk: chunkSizes.length, chunkCount });
    for (let i = 0; i < chunkCount; i++) chunkSizes.push(Math.min(CHUNK_SIZE, f.size - i * CHUNK_SIZE));
  }
  return { files: out, chunkSizes };
}
