// @ts-expect-error plain browser JavaScript, no declarations
import { BLOCK_SIZE, HttpBlocks } from '../../web/http-blocks.js';

/** HttpBlocks over a buffer instead of synchronous XHR (the browser test covers the HTTP side). */
function blocks(size: number, maxBytes?: number, chunks?: { size: number; urls: string[] }) {
  const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff));
  const b = new HttpBlocks('disk', size, { maxBytes, chunks });
  const ranges: [number, number][] = [];
  b.fetchRange = (start: number, end: number) => {
    ranges.push([start, end]);
    b.fetched += end - start + 1;
    return new Uint8Array(data.subarray(start, end + 1));
  };
  return { b, data, ranges };
}

describe('HttpBlocks', () => {
  it('returns the bytes of any range, across blocks and clipped at the end', () => {
    const { b, data } = blocks(5 * BLOCK_SIZE + 100);
    for (const [off, len] of [[0, 10], [BLOCK_SIZE - 3, 9], [3 * BLOCK_SIZE + 5, 2 * BLOCK_SIZE], [5 * BLOCK_SIZE + 90, 50]]) {
      expect(Buffer.from(b.read(off, len)).equals(data.subarray(off, Math.min(data.length, off + len)))).toBe(true);
    }
    expect(b.read(data.length, 10)).toHaveLength(0);
  });
  it('fetches each block once while it stays cached, 256 KiB on a random miss', () => {
    const { b, ranges } = blocks(8 * BLOCK_SIZE);
    b.read(3 * BLOCK_SIZE, 10);
    b.read(6 * BLOCK_SIZE + 100, 10);
    b.read(3 * BLOCK_SIZE + 100, 10);
    expect(ranges).toEqual([[3 * BLOCK_SIZE, 7 * BLOCK_SIZE - 1]]);
  });
  it('grows readahead on sequential reads and starts over on a jump', () => {
    const { b, ranges } = blocks(64 * BLOCK_SIZE);
    for (let i = 0; i < 40; i++) b.read(i * BLOCK_SIZE, BLOCK_SIZE);
    const counts = ranges.map(([s, e]) => (e - s + 1) / BLOCK_SIZE);
    expect(counts).toEqual([4, 8, 16, 16]); // misses at blocks 0, 4, 12 and 28
    b.read(50 * BLOCK_SIZE, 1);
    expect(ranges.at(-1)).toEqual([50 * BLOCK_SIZE, 54 * BLOCK_SIZE - 1]);
  });
  it('keeps at most maxBytes of blocks, dropping the least recently used', () => {
    const { b, ranges } = blocks(64 * BLOCK_SIZE, 8 * BLOCK_SIZE);
    b.read(0, 1); // blocks 0-3
    b.read(20 * BLOCK_SIZE, 1); // 20-23
    b.read(0, 1); // 0 becomes the most recent
    b.read(40 * BLOCK_SIZE, 1); // 40-43 evict 1, 2, 3 and 20
    expect(b.blocks.size).toBe(8);
    const before = ranges.length;
    b.read(0, 1);
    b.read(21 * BLOCK_SIZE, 1);
    expect(ranges.length).toBe(before);
    b.read(20 * BLOCK_SIZE, 1);
    expect(ranges.length).toBe(before + 1);
  });

  it('keeps each request inside one chunk file of a chunked disk', () => {
    const chunk = 3 * BLOCK_SIZE;
    const { b, data, ranges } = blocks(10 * BLOCK_SIZE, undefined, { size: chunk, urls: ['c0', 'c1', 'c2', 'c3'] });
    expect(Buffer.from(b.read(2 * BLOCK_SIZE, 2 * BLOCK_SIZE)).equals(data.subarray(2 * BLOCK_SIZE, 4 * BLOCK_SIZE))).toBe(true);
    // block 2 is the last of chunk 0: one request for it, the next from chunk 1
    expect(ranges.map(([s, e]) => [Math.floor(s / chunk), Math.floor(e / chunk)])).toEqual([[0, 0], [1, 1]]);
  });
});
