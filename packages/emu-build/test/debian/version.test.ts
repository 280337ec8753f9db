import { compareVersions, satisfies } from '../../src/debian/version.js';

describe('compareVersions (dpkg order)', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0~~', '1.0~', -1],
    ['1:1.0', '2.0', 1],
    ['1.0-1', '1.0-2', -1],
    ['1.0a', '1.0', 1],
    ['1.0+b1', '1.0', 1],
    ['2.41-12+deb13u5', '2.38', 1],
    ['1:1.37.0-6+b9', '1:1.37.0-6', 1],
    ['001', '1', 0],
  ])('%s vs %s = %i', (a, b, want) => {
    expect(Math.sign(compareVersions(a, b))).toBe(want);
    expect(Math.sign(compareVersions(b, a))).toBe(-want || 0);
  });

  it('evaluates relations', () => {
    expect(satisfies('2.41-12', '>=', '2.38')).toBe(true);
    expect(satisfies('2.41-12', '<<', '2.38')).toBe(false);
    expect(satisfies('14.2.0-19', '=', '14.2.0-19')).toBe(true);
    expect(satisfies('1.0', '>>', '1.0')).toBe(false);
  });
});
