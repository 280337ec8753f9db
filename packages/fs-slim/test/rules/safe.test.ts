import { slim, tree } from '../slim-fixture.js';

const options = { profile: 'safe' as const, dedupe: false };

describe('safe rules', () => {
  it('docs: removes documentation files, keeps directories, copyright files and doc-directory symlinks', async () => {
    const { names, report } = await slim([...tree(
      'usr/share/doc/pkg/README.gz', 'usr/share/doc/pkg/copyright', 'usr/share/man/man1/ls.1.gz',
      'usr/share/info/dir', 'usr/local/share/man/man1/x.1', 'usr/share/docs-not/keep',
    ), { name: 'usr/share/doc/pkg-data', type: 'symlink', linkname: 'pkg' }], options);
    expect(names).toEqual([
      'usr/', 'usr/share/', 'usr/share/doc/', 'usr/share/doc/pkg/', 'usr/share/doc/pkg/copyright',
      'usr/share/man/', 'usr/share/man/man1/', 'usr/share/info/', 'usr/local/', 'usr/local/share/',
      'usr/local/share/man/', 'usr/local/share/man/man1/', 'usr/share/docs-not/', 'usr/share/docs-not/keep', 'usr/share/doc/pkg-data',
    ]);
    expect(report.removed).toEqual([{ id: 'docs', profile: 'safe', files: 4, directories: 0, bytes: expect.any(Number) }]);
  });

  it('package-caches, user-caches, logs, temp-files: remove contents, keep the lock, accounting files and directories', async () => {
    const { names } = await slim(tree(
      'var/lib/apt/lists/lock', 'var/lib/apt/lists/deb_Packages', 'var/cache/apt/pkgcache.bin', 'var/cache/apt/archives/partial/',
      'var/lib/dpkg/status', 'var/lib/dpkg/status-old', 'root/.cache/pip/wheel', 'var/log/apt/history.log',
      'var/log/dpkg.log', 'var/log/wtmp', 'tmp/x', 'var/tmp/y',
    ), options);
    expect(names.filter((n) => !n.endsWith('/'))).toEqual(['var/lib/apt/lists/lock', 'var/lib/dpkg/status', 'var/log/wtmp']);
    expect(names).toContain('var/cache/apt/archives/partial/');
    expect(names).toContain('tmp/');
  });

  it('cython-debug, debug-symbols: remove the directories too', async () => {
    const { names } = await slim(tree(
      'usr/lib/python3/dist-packages/sage/cython_debug/cython_debug_info_sage.rings', 'usr/lib/python3/dist-packages/sage/x.py',
      'opt/sage/cython_debug_info_foo', 'usr/lib/debug/.build-id/ab/cdef.debug', 'usr/lib/libz.so.1',
    ), options);
    expect(names).toEqual(['usr/', 'usr/lib/', 'usr/lib/python3/', 'usr/lib/python3/dist-packages/', 'usr/lib/python3/dist-packages/sage/', 'usr/lib/python3/dist-packages/sage/x.py', 'opt/', 'opt/sage/', 'usr/lib/libz.so.1']);
  });

  it('packaging-metadata: removes lintian overrides and reportbug hooks', async () => {
    const { names } = await slim(tree('usr/share/lintian/overrides/pkg', 'usr/share/bug/pkg/control'), options);
    expect(names).toEqual(['usr/', 'usr/share/', 'usr/share/lintian/', 'usr/share/lintian/overrides/', 'usr/share/bug/', 'usr/share/bug/pkg/']);
  });
});
