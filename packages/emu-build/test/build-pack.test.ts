import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { RuntimePack } from '@c2w/artifacts';
import { runBin } from '@c2w/testing';
import { buildPack, type BuildResult } from '../src/build-pack.js';
import { execa } from 'execa';
import { DebianArchive } from '../src/debian/archive.js';
import { hostDebianMirror } from '../src/debian/mirror.js';
import { defaultCacheDir, packageRoot } from '../src/options.js';

// A real build against the host's Debian mirror. The kernel comes from the shared kernel cache
// (~/.cache/c2w/kernel, tools/riscv64/build-kernel.sh, filled by .ci/setup); on a machine where it
// is cold the first build compiles it (10-25 min), everything else here takes seconds to a minute.
jest.setTimeout(45 * 60_000);

const kernelCache = defaultCacheDir();
let work: string;
let cache: string;
let cold: BuildResult;
const notes: string[] = [];
const sha = async (p: string) => `sha256:${createHash('sha256').update(await readFile(p)).digest('hex')}`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'emu-build-pack-'));
  cache = join(work, 'cache');
  cold = await buildPack({ arch: 'riscv64', out: join(work, 'cold'), cache, kernelCache, offline: false }, (m) => notes.push(m));
});

// Each run downloads about 80 MB into its own cache: leave nothing behind.
afterAll(() => rm(work, { recursive: true, force: true }));

describe('buildPack', () => {
  it('writes a pack whose pack.json validates and matches every file', async () => {
    const pack = RuntimePack.parse(JSON.parse(await readFile(join(cold.out, 'pack.json'), 'utf8')));
    expect(pack).toEqual(cold.pack);
    for (const [name, ref] of Object.entries(pack.files)) expect(await sha(join(cold.out, name))).toBe(ref.digest);
    expect(pack.inputs.debian.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['busybox-static', 'crun', 'libc6', 'libseccomp2', 'libcap2', 'libsystemd0', 'libyajl2', 'qemu-user', 'opensbi']));
    expect(pack.boot.ociRuntime).toBe('crun');
    expect(JSON.stringify(pack)).not.toMatch(/\/root\/|\/tmp\/|build_seconds/);
    expect(notes.some((n) => n.startsWith('downloading crun_'))).toBe(true);
  });

  it('builds the kernel from linux-source-6.1 resolved, downloaded and verified like every other package', async () => {
    const inputs = cold.pack.inputs.kernel.inputs;
    expect(inputs['linux-source-6.1']).toMatch(/^6\.1\.\d+-\S+ sha256:[0-9a-f]{64}$/);
    expect(inputs['SOURCE_DATE_EPOCH']).toMatch(/^\d+$/);
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['gcc-12-riscv64-linux-gnu', 'binutils-riscv64-linux-gnu', 'fragment', 'script']));
    expect(notes).toEqual(expect.arrayContaining([expect.stringMatching(/^downloading linux-source-6\.1_6\.1\.\d+-\S+_all\.deb/)]));
    // The source's .deb digest is the one the signed bookworm index lists.
    const resolved = await new DebianArchive({ mirror: await hostDebianMirror(), suite: 'bookworm', arch: 'all', cache, offline: true, progress: () => undefined }).package('linux-source-6.1');
    expect(inputs['linux-source-6.1']).toBe(`${resolved.pkg.version} sha256:${resolved.pkg.sha256}`);
  });

  it('uses a kernel that a second build in another directory reproduced byte for byte', async () => {
    // The second build runs once per kernel key, here or in tools/test/kernel-reproducible.test.js
    // (whichever runs first; .ci/setup builds only once); the record it leaves is checked against this pack.
    const { kernelSourceFor } = await import('../src/build/kernel-source.js');
    const source = await kernelSourceFor({ mirror: 'offline:', suite: 'bookworm', cache, offline: true, progress: () => undefined });
    const r = await execa('bash', [join(packageRoot, '..', '..', 'tools', 'riscv64', 'build-kernel.sh'), '--verify-reproducible'], {
      env: { C2W_CACHE: kernelCache, SRC_TAR: source.tarball, SRC_VERSION: source.version, SRC_SHA256: source.debSha256, SRC_SUITE: source.suite, SRC_EPOCH: String(source.epoch), SOURCE_DATE_EPOCH: undefined },
      reject: false,
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(join(kernelCache, 'kernel', cold.pack.inputs.kernel.cacheKey));
    const record = await readFile(join(r.stdout, 'reproduced'), 'utf8');
    expect(record).toMatch(new RegExp(`^identical Image ${(cold.pack.files as { Image: { digest: string } }).Image.digest}, second build in /`));
  });

  it('is a cache hit the second time, only checking digests, with the same pack.json', async () => {
    const t0 = Date.now();
    const warm = await buildPack({ arch: 'riscv64', out: join(work, 'warm'), cache, kernelCache, offline: false });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(warm.cacheHits).toContain('guest.tar');
    expect(await readFile(join(work, 'warm', 'pack.json'), 'utf8')).toBe(await readFile(join(cold.out, 'pack.json'), 'utf8'));
  });

  it('builds offline from the cache alone', async () => {
    const off = await buildPack({ arch: 'riscv64', out: join(work, 'offline'), cache, kernelCache, offline: true });
    expect(off.pack).toEqual(cold.pack);
  });

  it('detects a corrupted cached guest.tar and rebuilds the same bytes', async () => {
    const entry = join(cache, 'emu-build', 'guest');
    const [key] = await import('node:fs/promises').then((fs) => fs.readdir(entry));
    const tar = join(entry, key!, 'guest.tar');
    const bytes = await readFile(tar);
    bytes[bytes.length - 2048] ^= 0xff;
    await writeFile(tar, bytes);
    const seen: string[] = [];
    const again = await buildPack({ arch: 'riscv64', out: join(work, 'repaired'), cache, kernelCache, offline: false }, (m) => seen.push(m));
    expect(seen.some((m) => /guest: cached .* is corrupted \(sha256 mismatch\), rebuilding/.test(m))).toBe(true);
    expect(again.pack.files['guest.tar']).toEqual(cold.pack.files['guest.tar']);
  });

  it('is reproducible: a second cache built from the same downloads gives identical digests', async () => {
    // Shares only the verified downloads (debs, indexes); guest.tar and firmware are rebuilt.
    const other = join(work, 'cache2');
    await mkdir(other);
    for (const d of ['debs', 'debian-index']) await symlink(join(cache, d), join(other, d));
    const second = await buildPack({ arch: 'riscv64', out: join(work, 'second'), cache: other, kernelCache, offline: false });
    expect(second.cacheHits).not.toContain('guest.tar');
    const [a, b] = [await readFile(join(cold.out, 'pack.json'), 'utf8'), await readFile(join(second.out, 'pack.json'), 'utf8')];
    if (second.pack.inputs.machine.sources === cold.pack.inputs.machine.sources) {
      expect(b).toBe(a);
    } else {
      // packages/machine was edited between the two builds (a workspace under development):
      // everything but machine.wasm must still match.
      const strip = (t: string) => { const p = JSON.parse(t); delete p.files['machine.wasm']; delete p.inputs.machine; return p; };
      expect(strip(b)).toEqual(strip(a));
    }
  });
});

describe('emu-build (bin)', () => {
  it('--offline with an empty cache exits 3 naming the missing item and writes nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'emu-build-empty-'));
    const r = await runBin('emu-build', ['--offline', '--cache', join(empty, 'cache'), '--out', join(empty, 'pack')]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^emu-build: --offline: the trixie InRelease is not in the cache \(.*\); run once without --offline$/);
    expect(existsSync(join(empty, 'pack'))).toBe(false);
  });

  it('--json prints the pack directory, the digest of its pack.json and its files on stdout', async () => {
    const out = join(work, 'json');
    // not --offline: the shared cache holds this suite's index only once some build fetched it
    const r = await runBin('emu-build', ['--json', '--cache', kernelCache, '--out', out]);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) as unknown });
    const summary = JSON.parse(r.stdout.toString()) as { out: string; digest: string; files: unknown; cacheHits: string[] };
    expect(summary.out).toBe(out);
    expect(summary.digest).toBe(await sha(join(out, 'pack.json')));
    expect(summary.files).toEqual(RuntimePack.parse(JSON.parse(await readFile(join(out, 'pack.json'), 'utf8'))).files);
  });

  it('rejects an unknown architecture as a usage error', async () => {
    const r = await runBin('emu-build', ['--arch', 'x86_64']);
    expect(r.exitCode).toBe(2);
  });
});
