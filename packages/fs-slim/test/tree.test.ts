import type { IndexedEntry } from '../src/scan.js';
import { Tree } from '../src/tree.js';

const e = (path: string, type = 'file', linkname?: string): IndexedEntry =>
  ({ name: `./${path}`, path, type, size: 0, linkname, mode: 0o644, uid: 0, gid: 0, mtime: 0, owner: ':', xattrs: '' });

describe('Tree', () => {
  const t = new Tree([
    e('lib', 'symlink', 'usr/lib'), e('usr/lib/x.so'), e('a', 'symlink', '/b'), e('b', 'symlink', 'a'),
    e('up', 'symlink', '../../../usr'), e('usr/lib/x.so'),
  ]);

  it('resolves absolute and relative links, and `..` stops at the root as in a chroot', () => {
    expect(t.resolve('/lib/x.so')).toMatchObject({ path: 'usr/lib/x.so', entry: 5, via: [0] });
    expect(t.resolve('up/lib', '')).toMatchObject({ path: 'usr/lib', via: [4] });
  });

  it('gives up on loops after 40 hops', () => {
    expect(t.resolve('a').via.length).toBe(40);
  });

  it('remembers paths that occur twice', () => {
    expect([...t.repeated]).toEqual(['usr/lib/x.so']);
  });
});
