import { assertUniqueNames, checkFileName, normalizeMount } from '../src/names.js';

describe('names', () => {
  it.each(['', '.', '..', 'a/b', 'nul\0', 'x'.repeat(256)])('refuses the file name %j', (name) => {
    expect(() => checkFileName(name, 'f')).toThrow(/bad file name/);
  });
  it('accepts one component of up to 255 bytes', () => {
    expect(() => checkFileName('é'.repeat(127), 'f')).not.toThrow();
    expect(() => checkFileName('data.bin', 'f')).not.toThrow();
  });
  it.each([['/embed', '/embed'], ['/a//b/', '/a/b'], ['/', '/']])('normalizes the mount %s to %s', (mount, want) => {
    expect(normalizeMount(mount)).toBe(want);
  });
  it.each(['embed', '/a/../b', '/./x'])('refuses the mount %s', (mount) => {
    expect(() => normalizeMount(mount)).toThrow(/bad mount/);
  });
  it('refuses duplicate names', () => {
    expect(() => assertUniqueNames(['a', 'b', 'a'])).toThrow(/both named "a"/);
    expect(() => assertUniqueNames(['a', 'b'])).not.toThrow();
  });
});
