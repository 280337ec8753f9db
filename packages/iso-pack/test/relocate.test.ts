import { makeRoom, type DataExtent } from '../src/relocate.js';
import type { Inode } from '../src/tree.js';

function extents(...sizes: number[]): DataExtent[] {
  let block = 100;
  return sizes.map((blocks) => {
    const owner = { extent: block } as Inode;
    const e = { block, blocks, owners: [owner] };
    block += blocks;
    return e;
  });
}

describe('makeRoom', () => {
  const moves: Array<[number, number, number]> = [];
  const mover = { copy: async (from: number, to: number, n: number) => { moves.push([from, to, n]); } };
  beforeEach(() => { moves.length = 0; });

  it('moves nothing when the reserve suffices and fills the gap from the tail', async () => {
    const e = extents(5, 5, 2);
    const end = await makeRoom(e, 98, 112, mover);
    expect(moves).toEqual([[110, 98, 2]]);
    expect(end).toBe(110);
    expect((e[2]!.owners as Inode[])[0]!.extent).toBe(98);
  });

  it('evicts extents in the way to the end, then compacts', async () => {
    const e = extents(1, 1, 10, 1);
    const end = await makeRoom(e, 102, 113, mover);
    expect(e.every((x) => x.block >= 102)).toBe(true);
    const spans = e.map((x) => [x.block, x.block + x.blocks]).sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
    expect(end).toBe(Math.max(...spans.map((s) => s[1]!)));
    expect(end).toBe(115);
  });
});
