import { CHUNK_SIZE, layoutFiles } from '../src/layout.js';

describe('layoutFiles', () => {
  it('gives every file at least one chunk and splits at 64 MiB, in order', () => {
    const { files, chunkSizes } = layoutFiles([
      { name: 'empty', path: 'e', size: 0 },
      { name: 'exact', path: 'x', size: CHUNK_SIZE },
      { name: 'over', path: 'o', size: 2 * CHUNK_SIZE + 5 },
    ]);
    expect(files.map((f) => [f.name, f.firstChunk, f.chunkCount])).toEqual([['empty', 0, 1], ['exact', 1, 1], ['over', 2, 3]]);
    expect(chunkSizes).toEqual([0, CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 5]);
  });
});
