import { decodeChunkTable, encodeChunkTable } from '../src/chunk-table.js';
import { CHUNK_SIZE, layoutFiles } from '../src/layout.js';

describe('chunk table', () => {
  it('round-trips, with segment numbers after the module own segments', () => {
    const { files } = layoutFiles([{ name: 'a', path: 'pa', size: 3 }, { name: 'b', path: 'pb', size: CHUNK_SIZE + 1 }]);
    const bytes = encodeChunkTable('/embed', files, 7);
    expect(decodeChunkTable(bytes)).toEqual({
      version: 1, mount: '/embed', chunkSize: CHUNK_SIZE,
      files: [{ name: 'a', size: 3, segment: 7, chunks: 1 }, { name: 'b', size: CHUNK_SIZE + 1, segment: 8, chunks: 2 }],
    });
    expect(encodeChunkTable('/embed', files, 7).equals(bytes)).toBe(true);
  });
  it('refuses another version', () => {
    expect(() => decodeChunkTable(Buffer.from('{"version":2,"files":[]}'))).toThrow(/unsupported/);
  });
});
