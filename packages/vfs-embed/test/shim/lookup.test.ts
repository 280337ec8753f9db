import { LOOKUP_DIR } from '../../src/shim/lookup.js';
import { N } from '../../src/shim/names.js';
import { shimHarness } from '../support/shim-harness.js';

describe('lookup', () => {
  // Lengths 1, 4, 8, 11 and 20 exercise the byte, 4-byte and 8-byte comparisons.
  const names = ['a', 'abcd', 'abcdefgh', 'abcdefghijk', 'x'.repeat(19) + 'y'];
  const files = Object.fromEntries(names.map((n) => [n, n]));

  it.each([
    ...names.map((n, i) => [n, i] as const),
    ['./abcd', 1], ['././a', 0], ['.', LOOKUP_DIR], ['', LOOKUP_DIR], ['./', LOOKUP_DIR],
    ['abc', -1], ['abcdefgi', -1], ['abcdefghijj', -1], ['b', -1], ['x'.repeat(20), -1], ['a/', -1], ['.a', -1],
  ] as const)('finds %j as %d', async (path, want) => {
    const h = await shimHarness(files);
    const bytes = Buffer.from(path);
    h.memory.set(bytes, 1000);
    expect(h.call(N.lookup, 1000, bytes.length)).toBe(want);
  });
});
