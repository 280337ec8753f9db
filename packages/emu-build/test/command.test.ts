import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';
import { defaultCacheDir } from '../src/options.js';

// The amd64 guest base and x86_64 kernel come from the shared cache (.ci/setup builds the kernel;
// a cold cache builds it here first, ~10 min).
jest.setTimeout(30 * 60_000);

describe('emu-build --arch amd64', () => {
  it('builds guest.tar and the x86_64 kernel, then fails in one line naming the missing x86_64 machine, writing no pack', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'emu-build-amd64-')), 'pack');
    const r = await runBin('emu-build', ['--arch', 'amd64', '--cache', defaultCacheDir(), '--out', out]);
    expect(r.exitCode).toBe(3);
    const lines = r.stderr.toString().trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^emu-build: an amd64 runtime pack needs the x86_64 machine \(machine\.wasm with an x86_64 board\), which packages\/machine does not build yet; guest\.tar and the x86_64 kernel are cached in \S+$/);
    expect(lines).toContainEqual(expect.stringMatching(/^emu-build: debian trixie .*: busybox-static 1:1\.\d+.*runc /));
    expect(lines).toContainEqual(expect.stringMatching(/kernel: cache hit: .*\/kernel-x86_64\/[0-9a-f]{64}$|kernel: built in/));
    expect(existsSync(out)).toBe(false);
  });

  it('refuses qemu-user emulators in an amd64 guest as a usage error before any work', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'emu-build-amd64-')), 'pack');
    const r = await runBin('emu-build', ['--arch', 'amd64', '--foreign', 'arm64', '--offline', '--cache', join(out, 'none'), '--out', out]);
    expect({ exitCode: r.exitCode, stderr: r.stderr.toString().trim() }).toEqual({ exitCode: 2, stderr: 'emu-build: bad options: foreignArches: an amd64 guest ships no qemu-user emulators (got arm64)' });
    expect(existsSync(out)).toBe(false);
  });
});
