import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimePack } from '@c2w/artifacts';
import { runBin } from '@c2w/testing';
import { defaultCacheDir } from '../src/options.js';

// The amd64 guest base and x86_64 kernel come from the shared cache (.ci/setup builds the kernel;
// a cold cache builds it here first, ~10 min).
jest.setTimeout(30 * 60_000);

const sha = async (p: string) => `sha256:${createHash('sha256').update(await readFile(p)).digest('hex')}`;

describe('emu-build --arch amd64', () => {
  it('writes the x86_64 runtime pack: machine.wasm, the PVH vmlinux and the amd64 guest.tar, no firmware, the same bytes twice', async () => {
    const work = await mkdtemp(join(tmpdir(), 'emu-build-amd64-'));
    const r = await runBin('emu-build', ['--arch', 'amd64', '--cache', defaultCacheDir(), '--out', join(work, 'pack'), '--json']);
    expect({ exitCode: r.exitCode, stderr: r.exitCode === 0 ? '' : r.stderr.toString() }).toEqual({ exitCode: 0, stderr: '' });
    const lines = r.stderr.toString().trimEnd().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^emu-build: debian trixie .*: busybox-static 1:1\.\d+.*crun /));
    expect(lines).toContainEqual(expect.stringMatching(/kernel: cache hit: .*\/kernel-x86_64\/[0-9a-f]{64}$|kernel: built in/));
    const bytes = await readFile(join(work, 'pack', 'pack.json'));
    const pack = RuntimePack.parse(JSON.parse(bytes.toString('utf8')));
    if (pack.arch !== 'x86_64') throw new Error(`pack.json says ${pack.arch}, expected x86_64`);
    expect(Object.keys(pack.files)).toEqual(['machine.wasm', 'vmlinux', 'guest.tar']);
    expect((await readdir(join(work, 'pack'))).sort()).toEqual(['guest.tar', 'machine.wasm', 'pack.json', 'vmlinux']);
    for (const [name, ref] of Object.entries(pack.files)) expect(await sha(join(work, 'pack', name))).toBe(ref.digest);
    expect(pack.inputs.firmware).toBeUndefined();
    expect(pack.boot.foreignArches).toEqual([]);
    const names = pack.inputs.debian.packages.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['busybox-static', 'crun', 'libc6']));
    expect(pack.boot.ociRuntime).toBe('crun');
    expect(names.filter((n) => /^(opensbi|qemu-user)/.test(n))).toEqual([]);
    expect(new Set(pack.inputs.debian.packages.map((p) => p.architecture))).toEqual(new Set(['amd64']));
    // the vmlinux is the x86_64 kernel script's cache entry, not a copy of something else
    expect(await sha(join(defaultCacheDir(), 'kernel-x86_64', pack.inputs.kernel.cacheKey, 'vmlinux'))).toBe(pack.files.vmlinux.digest);
    expect(JSON.parse(r.stdout.toString()).digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);

    const again = await runBin('emu-build', ['--arch', 'amd64', '--cache', defaultCacheDir(), '--out', join(work, 'again')]);
    expect(again.exitCode).toBe(0);
    expect(await readFile(join(work, 'again', 'pack.json'))).toEqual(bytes);
    await rm(work, { recursive: true, force: true });
  });

  it('refuses qemu-user emulators in an amd64 guest as a usage error before any work', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'emu-build-amd64-')), 'pack');
    const r = await runBin('emu-build', ['--arch', 'amd64', '--foreign', 'arm64', '--offline', '--cache', join(out, 'none'), '--out', out]);
    expect({ exitCode: r.exitCode, stderr: r.stderr.toString().trim() }).toEqual({ exitCode: 2, stderr: 'emu-build: bad options: foreignArches: an amd64 guest ships no qemu-user emulators (got arm64)' });
    expect(existsSync(out)).toBe(false);
  });
});
