import { execa } from 'execa';
import { readFile, rm } from 'node:fs/promises';
import { edgeTree, makeTar, sageNames } from '@c2w/testing';
import { isoinfoListing, sevenZipNames } from './support/listings.js';
import { differences, readTarEntries, tempDir, viaBsdtar, viaXorriso, xorrisoCompare } from './support/readers.js';
import { packTo } from './support/pack.js';

describe('packIso round trip', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('edge tree: bsdtar and xorriso read back every entry exactly', async () => {
    const tar = await makeTar(edgeTree());
    const { path } = await packTo(dir, [tar], { joliet: true }, 'edge.iso');
    const expected = await readTarEntries(tar);
    expect(differences(expected, await viaBsdtar(path))).toEqual([]);
    // libisofs reads `a//b` as `a/b`; xorriso's extraction sets no symlink owner, mode or time.
    expected.delete('links/double-slash');
    const fromXorriso = await viaXorriso(path);
    fromXorriso.delete('links/double-slash');
    expect(differences(expected, fromXorriso, { ignoreSymlinkMeta: true })).toEqual([]);
    // ...those are checked here, as libisofs reads them; and the check sees a wrong owner or time
    expect(await xorrisoCompare(path, tar, expected)).toEqual([]);
    const otherTime = await makeTar(edgeTree().map((e) => (e.name === 'links/rel' ? { ...e, mtime: 1_000_000_000, uid: 3 } : e)));
    expect(await xorrisoCompare(path, otherTime, expected)).toEqual([
      expect.stringMatching(/^links\/rel: st_uid: +3 +<> +0$/), expect.stringMatching(/^links\/rel: st_mtime: .* diff= -600000000 s$/),
    ]);
    const info = (await execa('isoinfo', ['-d', '-i', path])).stdout;
    expect(info).toMatch(/Rock Ridge signatures version 1 found/);
    expect(info).toMatch(/Joliet with UCS level 3 found/);
  });

  it('symlink targets of 4,000 bytes survive (libarchive; libisofs stops at 1,024)', async () => {
    const target = Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? '..' : `p${i % 10}`.repeat(1 + (i % 4)))).join('/');
    const tar = await makeTar([{ name: 'l', type: 'symlink', linkname: `/${target}/x`.slice(0, 4000) }]);
    const { path } = await packTo(dir, [tar], {}, 'longlink.iso');
    expect(differences(await readTarEntries(tar), await viaBsdtar(path))).toEqual([]);
  });

  it('sage-like names: Joliet names unique (both modes), Rock Ridge names exact (bsdtar and xorriso)', async () => {
    const names = sageNames(300);
    const tar = await makeTar([{ name: 'sage', type: 'directory', mtime: 1_650_000_000 }, ...names.map((n, i) => ({ name: `sage/${n}`, body: n, mtime: 1_600_000_000 + i }))]);
    const expected = await readTarEntries(tar);
    for (const mode of [{ joliet: true }, { jolietLong: true }]) {
      const { path } = await packTo(dir, [tar], mode, `sage-${Object.keys(mode)[0]}.iso`);
      expect(differences(expected, await viaBsdtar(path))).toEqual([]);
      expect(differences(expected, await viaXorriso(path))).toEqual([]);
      expect(await xorrisoCompare(path, tar, expected)).toEqual([]);
      // The Joliet view as isoinfo -l -J shows it, and as 7-Zip (another Joliet reader) names it.
      const joliet = (await isoinfoListing(path, '-J')).filter((l) => l.startsWith('- /sage/')).map((l) => l.slice('- /sage/'.length));
      expect(joliet).toHaveLength(300);
      expect(new Set(joliet).size).toBe(300);
      // 7-Zip drops a trailing dot, as Windows does (names cut right after a `.` keep it as extension)
      const sevenZip = (await sevenZipNames(path)).filter((n) => n.startsWith('sage/')).map((n) => n.slice('sage/'.length));
      expect(sevenZip).toEqual(joliet.map((j) => j.replace(/\.$/, '')).sort());
      const max = 'jolietLong' in mode ? 103 : 64;
      for (const j of joliet) {
        expect(j.length).toBeLessThanOrEqual(max);
        // a cut name keeps the start and the extension of a real name, a counter between them
        // (an extension is kept when it has at most a third of the characters)
        const dot = j.lastIndexOf('.');
        const ext = dot > 0 && j.length - dot <= Math.floor(max / 3) ? j.slice(dot) : '';
        const base = j.slice(0, j.length - ext.length).replace(/\d+$/, '');
        expect([j, names.some((n) => n.startsWith(base) && n.endsWith(ext))]).toEqual([j, true]);
      }
      // names that fit are kept whole
      const fitting = names.filter((n) => n.length <= max);
      expect(joliet.filter((j) => fitting.includes(j))).toEqual([...fitting].sort());
      if ('jolietLong' in mode) expect(fitting.length).toBeGreaterThan(50);
    }
  });

  it('hardlinks share one extent and --dedupe shares identical bodies', async () => {
    const body = Buffer.alloc(100_000, 1);
    const tar = await makeTar([
      { name: 'a', body }, { name: 'b', type: 'link', linkname: 'a' },
      { name: 'c', body, mode: 0o600 }, { name: 'd', body: Buffer.alloc(100_000, 2) },
    ]);
    const plain = await packTo(dir, [tar], {}, 'nodedupe.iso');
    const deduped = await packTo(dir, [tar], { dedupe: true }, 'dedupe.iso');
    expect(deduped.result.volumeBlocks).toBe(plain.result.volumeBlocks - 49);
    expect(differences(await readTarEntries(tar), await viaXorriso(deduped.path))).toEqual([]);
    const extents = (await execa('isoinfo', ['-l', '-i', deduped.path])).stdout.split('\n').filter((l) => /\s[A-D]\.;1/.test(l)).map((l) => /\[\s*(\d+)/.exec(l)![1]);
    expect(new Set(extents).size).toBe(2);
  });

  it('grafts several tars into one image', async () => {
    const base = await makeTar([{ name: 'init', body: 'base', mode: 0o755 }, { name: 'oci', type: 'directory' }]);
    const rootfs = await makeTar([{ name: './', type: 'directory', mode: 0o700 }, { name: 'etc', type: 'directory' }, { name: 'etc/hostname', body: 'c2w' }]);
    const { path } = await packTo(dir, [base, { tar: rootfs, graft: 'oci/rootfs' }], {}, 'graft.iso');
    const seen = await viaBsdtar(path);
    expect(seen.get('oci/rootfs')).toMatchObject({ type: 'directory', mode: 0o700 });
    expect(seen.get('oci/rootfs/etc/hostname')).toMatchObject({ type: 'file', size: 3 });
    expect(seen.get('init')).toMatchObject({ mode: 0o755, size: 4 });
  });

  it('is deterministic: same input, same bytes', async () => {
    const tar = await makeTar(edgeTree().slice(0, 80));
    const a = await packTo(dir, [tar], { joliet: true }, 'det-a.iso');
    const b = await packTo(dir, [tar], { joliet: true }, 'det-b.iso');
    expect((await readFile(a.path)).equals(await readFile(b.path))).toBe(true);
  });
});
