import { CHUNK_SIZE, type EmbeddedFile } from './layout.js';

/** Name of the custom section that lists the embedded files. */
export const CHUNK_TABLE_SECTION = 'c2w.vfs';

/** The chunk table: enough for a reader (a test, wasm-split) to find each file's bytes. */
export interface ChunkTable {
  version: 1;
  mount: string;
  chunkSize: number;
  files: { name: string; size: number; segment: number; chunks: number }[];
}

/** JSON with a fixed key order, so the same inputs give the same bytes. */
export function encodeChunkTable(mount: string, files: readonly EmbeddedFile[], firstSegment: number): Buffer {
  const table: ChunkTable = {
    version: 1,
    mount,
    chunkSize: CHUNK_SIZE,
    files: files.map((f) => ({ name: f.name, size: f.size, segment: firstSegment + f.firstChunk, chunks: f.chunkCount })),
  };
  return Buffer.from(JSON.stringify(table), 'utf8');
}

export function decodeChunkTable(bytes: Uint8Array): ChunkTable {
  const table = JSON.parse(Buffer.from(bytes).toString('utf8')) as ChunkTable;
  if (table.version !== 1 || !Array.isArray(table.files)) throw new RangeError(`unsupported ${CHUNK_TABLE_SECTION} section`);
  return table;
}
