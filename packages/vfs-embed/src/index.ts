export { default as VfsEmbedCommand } from './command.js';
export { embedFiles, type EmbedSource, type EmbedOptions, type EmbedResult } from './embed.js';
export { decodeChunkTable, CHUNK_TABLE_SECTION, type ChunkTable } from './chunk-table.js';
export { CHUNK_SIZE } from './layout.js';
export { parseFileSpec, type FileSpec } from './file-spec.js';
export { fileSink } from './file-sink.js';
