import { UsageError } from '@c2w/errors';
import { globTest, subtreeTest } from '../src/globs.js';

describe('globs', () => {
  it('match archive paths, dot files included, with or without a leading slash', () => {
    expect(globTest(['/usr/**/*.a'])('usr/lib/.hidden.a')).toBe(true);
    expect(globTest([])('x')).toBe(false);
  });

  it('subtree globs match beneath their matches, and refuse the whole tree', () => {
    expect(subtreeTest('opt/app')('opt/app/lib/x')).toBe(true);
    expect(subtreeTest('opt/app')('opt/application')).toBe(false);
    expect(() => subtreeTest('/')).toThrow(UsageError);
  });
});
