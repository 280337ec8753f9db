import { makeTar } from '@c2w/testing';
import { readTar } from '@c2w/streams';
import { flatLines, flattenLayers, flattenSource, gzipImage } from '../helpers/memory-image.js';

const d = (name: string, extra = {}) => ({ name, type: 'directory' as const, ...extra });
const f = (name: string, body = name, extra = {}) => ({ name, body, ...extra });
const wh = (name: string) => ({ name, body: '' });

describe('layer rules', () => {
  it('removes a file and a directory tree with whiteouts', async () => {
    expect(await flatLines(
      [d('etc'), f('etc/a'), f('etc/b'), d('var'), d('var/old'), f('var/old/x')],
      [wh('etc/.wh.b'), wh('var/.wh.old')],
    )).toEqual(['etc/ directory', 'etc/a file=etc/a', 'var/ directory']);
  });

  it('applies an opaque marker to lower layers only, wherever it sits in its layer', async () => {
    const lower = [d('opt'), f('opt/old1'), d('opt/sub'), f('opt/sub/old2')];
    const expected = ['opt/ directory', 'opt/new file=opt/new'];
    expect(await flatLines(lower, [wh('opt/.wh..wh..opq'), f('opt/new')])).toEqual(expected);
    expect(await flatLines(lower, [f('opt/new'), wh('opt/.wh..wh..opq')])).toEqual(expected);
  });

  it('hides lower children of a directory that the opaque layer re-declares', async () => {
    expect(await flatLines(
      [d('opt'), d('opt/sub'), f('opt/sub/old')],
      [d('opt/sub'), wh('opt/.wh..wh..opq'), f('opt/sub/new')],
    )).toEqual(['opt/ directory', 'opt/sub/ directory', 'opt/sub/new file=opt/sub/new']);
  });

  it('merges a directory over a directory and takes the upper metadata', async () => {
    const out = await flattenLayers([d('home', { mode: 0o755 }), f('home/keep')], [d('home', { mode: 0o700, uid: 7 }), f('home/new')]);
    expect(out.map((e) => e.name)).toEqual(['home/', 'home/keep', 'home/new']);
    expect(out[0]).toMatchObject({ mode: 0o700, uid: 7 });
  });

  it('replaces a whole subtree with a non-directory and a file with a directory', async () => {
    expect(await flatLines(
      [d('srv'), d('srv/dir2file'), f('srv/dir2file/inner'), f('srv/file2dir')],
      [f('srv/dir2file', 'now a file'), wh('srv/dir2file/.wh.inner'), d('srv/file2dir'), f('srv/file2dir/in')],
    )).toEqual(['srv/ directory', 'srv/dir2file file=now a file', 'srv/file2dir/ directory', 'srv/file2dir/in file=srv/file2dir/in']);
  });

  it('replaces a symlink by a directory rather than writing through it', async () => {
    expect(await flatLines([d('usr'), { name: 'lib', type: 'symlink', linkname: 'usr' }], [d('lib'), f('lib/x')]))
      .toEqual(['lib/ directory', 'lib/x file=lib/x', 'usr/ directory']);
  });

  it('writes through in-root symlinks in parent paths, as umoci does', async () => {
    expect(await flatLines(
      [d('usr'), d('usr/bin'), { name: 'bin', type: 'symlink', linkname: 'usr/bin' }, { name: 'abs', type: 'symlink', linkname: '/usr/bin/../bin' }],
      [f('bin/hello'), f('abs/two')],
    )).toEqual(['abs symlink -> /usr/bin/../bin', 'bin symlink -> usr/bin', 'usr/ directory', 'usr/bin/ directory', 'usr/bin/hello file=bin/hello', 'usr/bin/two file=abs/two']);
  });

  it('links to lower-layer files and keeps the old content when one name is replaced later', async () => {
    const out = await flatLines(
      [d('etc'), f('etc/a', 'old')],
      [{ name: 'etc/b', type: 'link', linkname: 'etc/a' }, { name: 'etc/c', type: 'link', linkname: 'etc/a' }],
      [f('etc/a', 'new')],
    );
    expect(out).toEqual(['etc/ directory', 'etc/a file=new', 'etc/b file=old', 'etc/c link -> etc/b']);
  });

  it('gives the data to the first name of a hardlink group in output order', async () => {
    expect(await flatLines([d('z'), f('z/data', 'x'), { name: 'a', type: 'link', linkname: 'z/data' }]))
      .toEqual(['a file=x', 'z/ directory', 'z/data link -> a']);
  });

  it('ignores AUFS metadata and whiteouts of missing names', async () => {
    expect(await flatLines(
      [d('srv'), f('srv/x')],
      [wh('srv/.wh..wh.aufs'), d('.wh..wh.plnk'), f('.wh..wh.plnk/123.456'), wh('srv/.wh.nothing'), wh('nodir/.wh.x')],
    )).toEqual(['srv/ directory', 'srv/x file=srv/x']);
  });

  it('keeps an entry that the same layer whites out before or after writing it', async () => {
    expect(await flatLines([d('a'), f('a/x', 'old')], [f('a/x', 'new'), wh('a/.wh.x')])).toEqual(['a/ directory', 'a/x file=new']);
  });

  it('creates missing parents and lets the last entry of a name in a layer win', async () => {
    expect(await flatLines([f('deep/er/file', '1'), f('deep/er/file', '2')]))
      .toEqual(['deep/ directory', 'deep/er/ directory', 'deep/er/file file=2']);
  });

  it('keeps setuid/sticky modes, owners, mtimes, devices, fifos, xattrs and long names', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const out = await flattenLayers([
      d('tmp', { mode: 0o1777 }), f('suid', 's', { mode: 0o4755, uid: 1000, gid: 1001, mtime: 1700000000 }),
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }, { name: 'fifo', type: 'fifo' },
      f('x', 'x', { pax: { 'SCHILY.xattr.user.k': 'v' } }), f(long, 'long'), d('.'),
    ]);
    const byName = Object.fromEntries(out.map((e) => [e.name, e]));
    expect(byName['tmp/']).toMatchObject({ mode: 0o1777 });
    expect(byName['suid']).toMatchObject({ mode: 0o4755, uid: 1000, gid: 1001, mtime: 1700000000 });
    expect(byName['dev/null']).toMatchObject({ type: 'character-device', devmajor: 1, devminor: 3 });
    expect(byName['dev/sda']).toMatchObject({ type: 'block-device', devmajor: 8 });
    expect(byName['fifo']).toMatchObject({ type: 'fifo' });
    expect(byName['x']?.xattrs).toEqual({ 'user.k': 'v' });
    expect(byName[long]?.body).toBe('long');
  });

  it('reads and writes ids beyond the ustar range through PAX', async () => {
    const tar = await makeTar([f('big', 'b', { pax: { uid: '3000000', gid: '300001' } })]);
    const out = await flattenSource(gzipImage([tar]).source);
    const headers = [];
    for await (const e of readTar([out])) headers.push(e.header);
    expect(headers[0]).toMatchObject({ uid: 3000000, gid: 300001 });
  });
});
