import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { edgeTree, makeTar, requirePrerequisite, sageNames } from '@c2w/testing';
import { canMountErofs, differencesFromMount, differencesFromTar, fsck, fsckExtract, mountedManifest, tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

const withMount = requirePrerequisite('root and a host kernel with erofs (loop mount)', await canMountErofs()) ? it : it.skip;

describe('packErofs against the reference reader (fsck.erofs)', () => {
  let dir: string;
  beforeEach(async () => { dir = await tempDir(); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('packs the edge tree so that fsck.erofs accepts it and extracts exactly the tar', async () => {
    const tar = await makeTar(edgeTree());
    const { path } = await packTo(dir, [tar]);
    const extracted = await fsckExtract(path, join(dir, 'x'));
    expect(await differencesFromTar(tar, extracted)).toBe('');
  });

  withMount('packs the edge tree with xattrs so that the host kernel reads back every field, hardlinks and xattrs included', async () => {
    const cap = Buffer.from('0100000220000000000000000000000000000000', 'hex').toString('latin1');
    const tar = await makeTar([...edgeTree(),
      { name: 'bin/ping', body: 'cap', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': cap } },
      { name: 'xattrs', type: 'directory', mode: 0o755, pax: { 'SCHILY.xattr.user.comment': 'hello', 'SCHILY.xattr.trusted.bin': '\u0000\u00ff' } },
      { name: 'xattrs/big', body: 'x', pax: { 'SCHILY.xattr.user.big': 'v'.repeat(3000) } },
    ]);
    const { path } = await packTo(dir, [tar]);
    await fsck(path);
    expect(await differencesFromMount(tar, await mountedManifest(path, join(dir, 'm')))).toBe('');
  });

  it('leaves room for fsck.erofs 1.5 after an inode area that ends on a block end (a zero block)', async () => {
    // 49 fifos and a short symlink: the last inode ends exactly at the end of a block. fsck.erofs
    // 1.5 reads an xattr header after every inode, and called such an image corrupt (found by
    // the property test, seed 1501773818)
    const tar = await makeTar([...Array.from({ length: 49 }, (_, i) => ({ name: `f${i}`, type: 'fifo' as const, mode: 0o644 })), { name: 's', type: 'symlink' as const, linkname: 't' }]);
    const { path } = await packTo(dir, [tar]);
    const image = await readFile(path);
    expect(image.subarray(image.length - 4096).every((b) => b === 0)).toBe(true);
    expect(await differencesFromTar(tar, await fsckExtract(path, join(dir, 'x')))).toBe('');
  });

  it('spreads big directories over many sorted blocks (sage-like names, 5,000 entries)', async () => {
    const names = sageNames(5000);
    const tar = await makeTar([{ name: 'big', type: 'directory', mode: 0o755 }, ...names.map((n, i) => ({ name: `big/${n}`, body: `${i}` }))]);
    const { path } = await packTo(dir, [tar]);
    const extracted = await fsckExtract(path, join(dir, 'x'));
    expect(await differencesFromTar(tar, extracted)).toBe('');
  });

  it('grafts a tar under a directory and merges the same directory from two tars', async () => {
    const a = await makeTar([{ name: 'etc', type: 'directory', mode: 0o700 }, { name: 'etc/a', body: 'a' }]);
    const b = await makeTar([{ name: 'etc', type: 'directory', mode: 0o750, mtime: 5 }, { name: 'etc/b', body: 'b' }]);
    const { path } = await packTo(dir, [a, { tar: b, graft: 'oci/rootfs' }, b]);
    await fsck(path);
    const m = await fsckExtract(path, join(dir, 'x'));
    expect([...m.keys()].sort()).toEqual(['etc', 'etc/a', 'etc/b', 'oci', 'oci/rootfs', 'oci/rootfs/etc', 'oci/rootfs/etc/b']);
    expect(m.get('etc')).toMatchObject({ mode: '0750', mtime: 5 });
  });

  it('packs an empty tar as an empty root that fsck.erofs accepts', async () => {
    const { path, result } = await packTo(dir, [Buffer.alloc(1024)]);
    await fsck(path);
    expect(result.inodes).toBe(1);
  });
});
