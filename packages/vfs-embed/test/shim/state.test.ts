import { N } from '../../src/shim/names.js';
import { FILE_FD_BASE, OPEN_SLOTS } from '../../src/shim/wasi-abi.js';
import { shimHarness } from '../support/shim-harness.js';

describe('shim state', () => {
  it('keeps a file and a position per slot and maps fds of open slots only', async () => {
    const h = await shimHarness({ a: 'abc', b: '' });
    for (let s = 0; s < OPEN_SLOTS; s++) expect(h.call(N.getFile, s)).toBe(-1);
    h.call(N.setSlot, 0, 1, 5n);
    h.call(N.setSlot, OPEN_SLOTS - 1, 0, 1n << 33n);
    expect([h.call(N.getFile, 0), h.call(N.getPos, 0)]).toEqual([1, 5n]);
    expect([h.call(N.getFile, OPEN_SLOTS - 1), h.call(N.getPos, OPEN_SLOTS - 1)]).toEqual([0, 1n << 33n]);
    expect(h.call(N.slotOf, FILE_FD_BASE)).toBe(0);
    expect(h.call(N.slotOf, FILE_FD_BASE + OPEN_SLOTS - 1)).toBe(OPEN_SLOTS - 1);
    expect(h.call(N.slotOf, FILE_FD_BASE + 1)).toBe(-1); // a slot that is not open
    expect(h.call(N.slotOf, FILE_FD_BASE + OPEN_SLOTS)).toBe(-1);
    expect(h.call(N.slotOf, 3)).toBe(-1);
    expect([h.call(N.fileSize, 0), h.call(N.fileSize, 1)]).toEqual([3n, 0n]);
  });
});
