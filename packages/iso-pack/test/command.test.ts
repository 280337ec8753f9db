import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTar, mountSmallDisk, runBin, type SmallDisk } from '@c2w/testing';
import { describeTarImageCli } from '@c2w/testing/tar-image-cli';
import { readTarEntries, tempDir, viaBsdtar, writeTemp } from './support/readers.js';

const env = { SOURCE_DATE_EPOCH: '1700000000', PATH: process.env['PATH'] ?? '' };

describeTarImageCli({ tool: 'iso-pack', extension: '.iso', options: ['-V', 'C2WROOT', '--joliet'], badOption: ['-V', 'x'.repeat(33)], sizes: (image) => viaBsdtar(image) });

describe('iso-pack (CLI)', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes the volume id isoinfo reads', async () => {
    const tar = await writeTemp(dir, 'in.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/os-release', body: 'ID=c2w\n' }]));
    const out = join(dir, 'out.iso');
    expect((await runBin('iso-pack', [tar, '-V', 'C2WROOT', '--joliet', '-o', out], { env })).exitCode).toBe(0);
    expect((await execa('isoinfo', ['-d', '-i', out])).stdout).toMatch(/Volume id: C2WROOT/);
  });

  it('accepts identical duplicates and exact re-declarations', async () => {
    const tar = await writeTemp(dir, 'dup.tar', await makeTar([{ name: 'a', body: 'same' }, { name: 'a', body: 'same' }, { name: 'd', type: 'directory' }, { name: 'd', type: 'directory', mode: 0o700 }]));
    const r = await runBin('iso-pack', [tar, '-o', join(dir, 'dup.iso')], { env });
    expect(r.exitCode).toBe(0);
    const seen = await viaBsdtar(join(dir, 'dup.iso'));
    expect(seen.get('d')).toMatchObject({ mode: 0o700 });
  });

  it('skips a socket with a note on stderr that names it', async () => {
    // No tar tool archives sockets ("socket ignored"), but a header may carry S_IFSOCK in its mode
    // field: write a plain entry, then put the type bits into the mode (and fix the checksum).
    const tar = await makeTar([{ name: 'run', type: 'directory' }, { name: 'run/daemon.sock', body: '' }, { name: 'run/pid', body: '42' }]);
    const at = tar.indexOf('run/daemon.sock\0');
    tar.write('0140755\0', at + 100, 'latin1');
    tar.fill(0x20, at + 148, at + 156);
    let sum = 0;
    for (let i = at; i < at + 512; i++) sum += tar[i]!;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
    const out = join(dir, 'socket.iso');
    const r = await runBin('iso-pack', [await writeTemp(dir, 'socket.tar', tar), '-o', out], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('iso-pack: skipping socket "run/daemon.sock"');
    expect([...(await viaBsdtar(out)).keys()].sort()).toEqual(['run', 'run/pid']);
  });

  it('notes on stderr how many entries the Joliet path limit left out', async () => {
    const deep = `${'d'.repeat(50)}/${'e'.repeat(50)}/${'f'.repeat(50)}`; // the third directory is over
    const tar = await writeTemp(dir, 'deep.tar', await makeTar([{ name: `${deep}/file`, body: 'x' }]));
    const r = await runBin('iso-pack', [tar, '--joliet', '-o', join(dir, 'deep.iso')], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('iso-pack: 1 entry left out of the Joliet tree: their Joliet path exceeds 240 bytes (use --joliet-long)');
    expect((await runBin('iso-pack', [tar, '--joliet-long', '-o', join(dir, 'deep-long.iso')], { env })).stderr).toBe('');
  });

  it('round-trips the listed entries of a fixture exactly', async () => {
    const tar = await makeTar([{ name: 'x', body: 'y', mode: 0o4711, uid: 5, gid: 6, mtime: 1234567890 }]);
    const r = await runBin('iso-pack', ['-'], { env, input: tar });
    const iso = await writeTemp(dir, 'rt.iso', r.stdout);
    expect((await viaBsdtar(iso)).get('x')).toEqual((await readTarEntries(tar)).get('x'));
  });
});

/** Failures of the environment through the bin: one line, exit 3, no image and no spool left. */
describe('iso-pack (CLI) when things go wrong', () => {
  let dir: string;
  let big: string;
  let disk: SmallDisk | undefined;
  beforeAll(async () => {
    dir = await tempDir();
    // 24 MiB of incompressible files, more than the disk holds
    big = await writeTemp(dir, 'big.tar', await makeTar([0, 1, 2].map((i) => ({ name: `f${i}`, body: randomBytes(8 << 20) }))));
    disk = mountSmallDisk(20);
  });
  afterEach(async () => { if (disk) for (const f of await readdir(disk.dir)) await rm(join(disk.dir, f)); });
  afterAll(async () => {
    disk?.unmount();
    await rm(dir, { recursive: true, force: true });
  });

  it('-o on a full disk: exit 3 naming the image, nothing left', async () => {
    if (!disk) return;
    const r = await runBin('iso-pack', [big, '-o', join(disk.dir, 'out.iso')], { env });
    expect(r.stderr).toBe(`iso-pack: writing output ${disk.dir}/out.iso failed: ENOSPC`);
    expect(r.exitCode).toBe(3);
    expect(await readdir(disk.dir)).toEqual([]);
  });

  it('-o - with a full TMPDIR: exit 3 naming the spool file there, nothing on stdout', async () => {
    if (!disk) return;
    const r = await runBin('iso-pack', [big], { env: { ...env, TMPDIR: disk.dir } });
    expect(r.stderr).toMatch(new RegExp(`^iso-pack: writing spool file ${disk.dir}/\\.iso-pack-\\d+\\.iso failed: ENOSPC$`));
    expect(r.exitCode).toBe(3);
    expect(r.stdout.length).toBe(0);
    expect(await readdir(disk.dir)).toEqual([]);
  });

  it('stdout redirected onto a full disk: exit 3, one line, no stack', async () => {
    if (!disk) return;
    const r = await runBin('iso-pack', [big], { env, stdoutFile: join(disk.dir, 'redirected.iso') });
    expect(r.stderr).toBe('iso-pack: writing standard output failed: ENOSPC');
    expect(r.exitCode).toBe(3);
  });

  it('names a truncated input once (not "input x: entry y: input x is truncated")', async () => {
    const cut = await writeTemp(dir, 'cut.tar', (await readFile(big)).subarray(0, 3_000_000));
    const r = await runBin('iso-pack', [cut, '-o', join(dir, 'cut.iso')], { env });
    expect(r.stderr).toBe(`iso-pack: input ${cut} is truncated (unexpected end of data)`);
    expect(r.exitCode).toBe(1);
    await rm(cut);
    expect((await readdir(dir)).sort()).toEqual(['big.tar']);
  });
});
