import type { FixtureEntry } from '@c2w/testing';
import { slim, tree } from './slim-fixture.js';

const files = (names: string[]) => names.filter((n) => !n.endsWith('/'));

describe('decide', () => {
  it('never removes /etc, shared libraries, the dynamic loader or --keep matches, and credits the protection', async () => {
    const { names, report } = await slim(tree(
      'etc/x', 'usr/lib64/ld-linux-x86-64.so.2', 'usr/share/doc/p/libdoc.so.1', 'usr/share/doc/p/keepme/a', 'usr/share/doc/p/b',
    ), { profile: 'safe', remove: ['etc', 'usr/lib64'], keep: ['/usr/share/doc/p/keepme'] });
    expect(files(names)).toEqual(['etc/x', 'usr/lib64/ld-linux-x86-64.so.2', 'usr/share/doc/p/libdoc.so.1', 'usr/share/doc/p/keepme/a']);
    expect(report.protected.map((p) => [p.id, p.files])).toEqual([['keep', 1], ['etc', 1], ['dynamic-loader', 1], ['shared-libraries', 1]]);
  });

  it('keeps the targets of kept symlinks through every hop, so no link dangles', async () => {
    const entries: FixtureEntry[] = [
      ...tree('usr/share/man/pkg/data.txt', 'usr/share/man/pkg/other.txt', 'usr/share/man/gone.txt'),
      { name: 'usr/share/man/hop', type: 'symlink', linkname: 'pkg' },
      { name: 'usr/lib/app/data', type: 'symlink', linkname: '../../share/man/hop/data.txt' },
      { name: 'usr/share/man/dead', type: 'symlink', linkname: 'gone.txt' },
    ];
    const { names, report } = await slim(entries, { profile: 'safe' });
    expect(files(names)).toEqual(['usr/share/man/pkg/data.txt', 'usr/share/man/hop', 'usr/lib/app/data']);
    expect(report.protected).toEqual([{ id: 'symlink-target', files: 2, bytes: expect.any(Number) }]);
    expect(report.danglingSymlinksCreated).toEqual([]);
  });

  it('keeps the target of a kept hardlink and the ancestors of every kept entry', async () => {
    const { names } = await slim([
      ...tree('usr/lib/python3/__pycache__/', 'usr/lib/python3/__pycache__/m.pyc'),
      { name: 'usr/lib/python3/__pycache__/libm.so', type: 'link', linkname: 'usr/lib/python3/__pycache__/m.pyc' },
    ], { profile: 'standard' });
    expect(names).toEqual(['usr/', 'usr/lib/', 'usr/lib/python3/', 'usr/lib/python3/__pycache__/', 'usr/lib/python3/__pycache__/m.pyc', 'usr/lib/python3/__pycache__/libm.so']);
  });

  it('--remove takes a glob and removes what lies beneath its matches', async () => {
    const { names } = await slim(tree('opt/a/x', 'opt/a/y', 'opt/b/z'), { profile: 'none', remove: ['opt/?'] });
    expect(names).toEqual(['opt/']);
  });
});
