import { archivePath, compareBytes, relativeArchivePath } from '../src/index.js';

describe('archivePath', () => {
  it.each([
    ['./a/b/', 'a/b'],
    ['/a//b', 'a/b'],
    ['.', ''],
    ['a/./b', 'a/b'],
  ])('%s -> %s', (input, out) => expect(archivePath(input)).toBe(out));

  it.each(['../x', 'a/../../x', 'a/..'])('refuses %s', (input) => {
    expect(() => archivePath(input)).toThrow(/escapes the root/);
  });

  it('refuses absolute names when asked', () => {
    expect(() => relativeArchivePath('/etc/passwd')).toThrow(/absolute/);
  });

  it('orders by bytes, not locale', () => {
    expect(['b', 'B', 'a', 'é', 'z'].sort(compareBytes)).toEqual(['B', 'a', 'b', 'z', 'é']);
  });
});
