import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { InputError } from '@c2w/errors';
import { gzipSync } from 'node:zlib';
import { changelogEpoch, kernelSource } from '../../src/build/kernel-source.js';
import { OutputCache } from '../../src/cache/output-cache.js';
import { makeFakeArchive, serveFakeMirror } from '../fixtures/fake-mirror.js';

const tools = resolve(import.meta.dirname, '..', '..', '..', '..', 'tools', 'riscv64');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('changelogEpoch', () => {
  it('reads the date of the newest trailer line', () => {
    const text = 'linux (6.1.176-1) bookworm; urgency=medium\n\n  * New upstream stable update\n\n -- Salvatore Bonaccorso <carnil@debian.org>  Sat, 04 Jul 2026 11:50:42 +0200\n\nlinux (6.1.175-1) ...\n -- X <x@y>  Mon, 01 Jun 2026 00:00:00 +0000\n';
    expect(changelogEpoch(text, 'changelog')).toBe(Date.UTC(2026, 6, 4, 9, 50, 42) / 1000);
  });

  it('names the file when there is no date', () => {
    expect(() => changelogEpoch('linux (1) x; urgency=low\n', 'linux-source.deb changelog')).toThrow(InputError);
    expect(() => changelogEpoch('\n -- A <a@b>  not a date\n', 'cl')).toThrow(/cl: cannot read the date "not a date"/);
  });
});

describe('kernelSource', () => {
  it('resolves linux-source-6.1 from binary-all, unpacks the tarball and the changelog date, and re-hashes the tarball only when asked', async () => {
    const tarball = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
    const changelog = 'linux (6.1.99-1) bookworm; urgency=medium\n\n  * x\n\n -- Maint <m@example.org>  Tue, 02 Jun 2026 10:00:00 +0000\n';
    const archive = await makeFakeArchive({
      suite: 'bookworm',
      arch: 'all',
      packages: [
        { name: 'linux-source-6.1', version: '6.1.98-1', architecture: 'all', files: [{ path: 'usr/src/linux-source-6.1.tar.xz', body: 'old' }, { path: 'usr/share/doc/linux-source-6.1/changelog.Debian.gz', body: gzipSync(changelog) }] },
        { name: 'linux-source-6.1', version: '6.1.99-1', architecture: 'all', files: [{ path: 'usr/src/linux-source-6.1.tar.xz', body: tarball }, { path: 'usr/share/doc/linux-source-6.1/changelog.Debian.gz', body: gzipSync(changelog) }] },
      ],
    });
    const mirror = await serveFakeMirror(archive.root);
    const cache = await mkdtemp(join(tmpdir(), 'c2w-kernel-source-'));
    try {
      const notes: string[] = [];
      const get = () => kernelSource({ mirror: mirror.url, suite: 'bookworm', cache, outputs: new OutputCache(join(cache, 'emu-build')), offline: false, keyring: archive.keyring, progress: (m) => notes.push(m) });
      const deb = archive.debs.find((d) => d.version === '6.1.99-1')!;
      const first = await get();
      expect(first).toMatchObject({ version: '6.1.99-1', debSha256: deb.sha256, suite: 'bookworm', epoch: Date.UTC(2026, 5, 2, 10) / 1000 });
      expect(await readFile(first.tarball)).toEqual(tarball);
      expect(mirror.count(`/${deb.filename}`)).toBe(1);

      // Damage with the same size: a hit checks only the size, verify() re-hashes and repairs.
      const damaged = Buffer.from(tarball);
      damaged[1000] ^= 0xff;
      await writeFile(first.tarball, damaged);
      const second = await get();
      expect(second.tarball).toBe(first.tarball);
      expect(notes.filter((n) => /corrupted/.test(n))).toEqual([]);
      await second.verify();
      expect(notes).toEqual(expect.arrayContaining([expect.stringMatching(/^kernel source: cached .*linux-source-6\.1\.tar\.xz is corrupted \(sha256 mismatch\), extracting again$/)]));
      expect(await readFile(first.tarball)).toEqual(tarball);
      // A truncated tarball is caught by the size check alone; the .deb comes from the cache.
      await writeFile(first.tarball, tarball.subarray(0, 10));
      expect(await readFile((await get()).tarball)).toEqual(tarball);
      expect(mirror.count(`/${deb.filename}`)).toBe(1);
    } finally {
      await mirror.close();
      await archive.cleanup();
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe('tools/riscv64/check-fragment.sh', () => {
  it('passes a config with every fragment option and names each one that did not land', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-frag-'));
    try {
      await writeFile(join(dir, 'frag'), '# comment\nCONFIG_A=y\nCONFIG_B="text"\n# CONFIG_C is not set\nCONFIG_D=0x10\n');
      await writeFile(join(dir, 'good'), 'CONFIG_A=y\nCONFIG_B="text"\n# CONFIG_C is not set\nCONFIG_D=0x10\nCONFIG_E=y\n');
      await writeFile(join(dir, 'bad'), 'CONFIG_B="other"\nCONFIG_C=y\nCONFIG_D=0x10\n');
      expect((await execa('bash', [join(tools, 'check-fragment.sh'), join(dir, 'frag'), join(dir, 'good')], { reject: false })).exitCode).toBe(0);
      const bad = await execa('bash', [join(tools, 'check-fragment.sh'), join(dir, 'frag'), join(dir, 'bad')], { reject: false });
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr.split('\n')).toEqual([
        "[check-fragment] fragment option not honoured: CONFIG_A wanted 'y' got 'n'",
        `[check-fragment] fragment option not honoured: CONFIG_B wanted '"text"' got '"other"'`,
        "[check-fragment] fragment option not honoured: CONFIG_C wanted 'n' got 'y'",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tools/riscv64/build-kernel.sh --offline on a host without the cross toolchain', () => {
  // A copy of the script whose toolchain package list names a package no host has: it must find
  // the cached entry built from the same source, fragment, script and epoch.
  let dir: string;
  let script: string;
  let entry: string;
  const env = { SRC_TAR: '/nonexistent.tar.xz', SRC_VERSION: '6.1.1-1', SRC_SHA256: 'a'.repeat(64), SRC_SUITE: 'bookworm', SRC_EPOCH: '1700000000', SOURCE_DATE_EPOCH: undefined };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c2w-kernel-offline-'));
    for (const f of ['lib.sh', 'check-fragment.sh', 'c2w-rv64.fragment']) await copyFile(join(tools, f), join(dir, f));
    const text = (await readFile(join(tools, 'build-kernel.sh'), 'utf8')).replace(/^TOOLCHAIN=\(.*\)$/m, 'TOOLCHAIN=(c2w-no-such-package-for-tests)');
    expect(text).toContain('TOOLCHAIN=(c2w-no-such-package-for-tests)');
    script = join(dir, 'build-kernel.sh');
    await writeFile(script, text);
    entry = join(dir, 'cache', 'kernel', 'b'.repeat(64));
    await mkdir(entry, { recursive: true });
    await writeFile(join(entry, 'Image'), 'image bytes');
    await writeFile(join(entry, 'config'), 'CONFIG_MMU=y\n');
    await writeFile(join(entry, 'sha256sums'), `${sha('image bytes')}  Image\n${sha('CONFIG_MMU=y\n')}  config\n`);
    const inputs = [
      'c2w-kernel-v2',
      `fragment ${sha(await readFile(join(dir, 'c2w-rv64.fragment')))}`,
      `script ${sha(text)}`,
      `linux-source-6.1 6.1.1-1 sha256:${'a'.repeat(64)}`,
      'SOURCE_DATE_EPOCH 1700000000',
      'gcc-riscv64-linux-gnu 4:12.2.0-5',
      'gcc-12-riscv64-linux-gnu 12.2.0-13cross1',
      'binutils-riscv64-linux-gnu 2.40-2',
      `key ${'b'.repeat(64)}`,
      'kernelrelease 6.1.1',
      'build_seconds 600',
    ];
    await writeFile(join(entry, 'inputs.txt'), `${inputs.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
    execa('bash', [script, ...args], { env: { ...env, C2W_CACHE: join(dir, 'cache'), ...extra }, reject: false });

  it('uses the entry built from the same inputs and prints its key', async () => {
    const hit = await run(['--offline']);
    expect(hit.exitCode).toBe(0);
    expect(hit.stdout).toBe(entry);
    expect(hit.stderr).toMatch(/toolchain not installed; using the cached entry .* \(gcc-12-riscv64-linux-gnu 12.2.0-13cross1\)/);
    expect((await run(['--offline', '--print-key'])).stdout).toBe('b'.repeat(64));
  });

  it('fails clearly when no entry has the same inputs, or the entry is damaged', async () => {
    const other = await run(['--offline'], { SRC_EPOCH: '1700000001' });
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/--offline: no cached kernel for these inputs in .*kernel, and the cross toolchain \(c2w-no-such-package-for-tests\) is not installed/);
    await writeFile(join(entry, 'Image'), 'damaged');
    const damaged = await run(['--offline']);
    expect(damaged.exitCode).toBe(1);
    expect(damaged.stderr).toMatch(/cache entry .* is corrupted \(sha256 mismatch\)/);
    await writeFile(join(entry, 'Image'), 'image bytes');
  });
});
