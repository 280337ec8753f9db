import { checkBudget, MAX_DATA_SEGMENTS, V8_MAX_MODULE_BYTES } from '../src/budgets.js';

describe('checkBudget', () => {
  const fine = { segments: 10, dataSectionBytes: 1000, moduleBytes: 2000 };
  it('passes a small module silently', () => {
    expect(checkBudget(fine, false)).toEqual([]);
  });
  it('refuses too many segments and a data section over 4 GiB, even with allowLarge', () => {
    expect(() => checkBudget({ ...fine, segments: MAX_DATA_SEGMENTS + 1 }, true)).toThrow(/100001 data segments, expected at most 100000/);
    expect(() => checkBudget({ ...fine, dataSectionBytes: 2 ** 32 }, true)).toThrow(/at most 4294967295/);
  });
  it('refuses a module over 1 GiB unless allowLarge, which turns it into a note', () => {
    const big = { ...fine, moduleBytes: V8_MAX_MODULE_BYTES + 1 };
    expect(() => checkBudget(big, false)).toThrow(/--allow-large/);
    expect(checkBudget(big, true)).toEqual([expect.stringMatching(/over V8's 1 GiB module limit/)]);
  });
});
