import { jest } from '@jest/globals';
import { execa } from 'execa';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { workspaceRoot } from '@c2w/testing';
import { OutputCache } from '../../src/cache/output-cache.js';
import { TOOLCHAIN_PACKAGES, compileMachineWasm, machineWasm, toolchainVersions } from '../../src/build/machine-wasm.js';

// Real compiles with clang-16 (about 10 s each on 2 cores): machine.wasm must be the same bytes
// whichever directory it is built in, so a pack built anywhere has the same digest.
jest.setTimeout(10 * 60_000);

const machineDir = join(workspaceRoot, 'packages', 'machine');
let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'emu-build-machine-')); });
afterAll(() => rm(work, { recursive: true, force: true }));

/** A clean checkout of what the Makefile compiles, at `dir`. */
async function copySources(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await cp(join(machineDir, 'Makefile'), join(dir, 'Makefile'));
  await cp(join(machineDir, 'native'), join(dir, 'native'), { recursive: true });
  return dir;
}

describe('machine.wasm', () => {
  it('compiles to identical bytes from clean copies at two different paths, the bytes the pack uses', async () => {
    // different absolute paths (and lengths) for sources and outputs: nothing of them may leak in
    const a = await copySources(join(work, 'a'));
    const b = await copySources(join(work, 'somewhere', 'much-longer-checkout-path', 'b'));
    const wasmA = await readFile(await compileMachineWasm(a, join(a, 'out')));
    const wasmB = await readFile(await compileMachineWasm(b, join(work, 'elsewhere-build')));
    expect(wasmA.length).toBeGreaterThan(100_000);
    expect(wasmA.equals(wasmB)).toBe(true);
    for (const leak of [work, resolve(tmpdir()), workspaceRoot]) expect(wasmA.includes(Buffer.from(leak))).toBe(false);
    // what buildPack ships: machineWasm on the workspace's packages/machine, into a fresh cache
    const pack = await machineWasm({ dir: machineDir, cache: new OutputCache(join(work, 'cache-pack')), offline: false, progress: () => undefined });
    expect((await readFile(pack.path)).equals(wasmA)).toBe(true);
  });

  it('keys the cache by the toolchain package versions (dpkg-query), so an upgrade rebuilds', async () => {
    const versions = await toolchainVersions();
    const real = await execa('dpkg-query', ['-W', '-f=${Package} ${Version}\\n', ...TOOLCHAIN_PACKAGES]);
    expect(Object.entries(versions).map(([p, v]) => `${p} ${v}`).sort()).toEqual(String(real.stdout).split('\n').sort());

    const cache = new OutputCache(join(work, 'cache-key'));
    const notes: string[] = [];
    const progress = (m: string) => notes.push(m);
    const first = await machineWasm({ dir: machineDir, cache, offline: false, progress });
    expect(first.toolchain).toEqual(versions);
    const again = await machineWasm({ dir: machineDir, cache, offline: true, progress });
    expect(again.path).toBe(first.path);
    expect(notes.filter((n) => n.startsWith('machine: make'))).toHaveLength(1);

    // the same clang --version line, a new wasi-libc: a dpkg-query first on PATH says so
    const bin = join(work, 'fake-bin');
    await mkdir(bin);
    const dpkgQuery = String((await execa('sh', ['-c', 'command -v dpkg-query'])).stdout).trim();
    await writeFile(join(bin, 'dpkg-query'), `#!/bin/sh\n"${dpkgQuery}" "$@" | sed 's/^wasi-libc .*/wasi-libc 99.0-upgraded/'\n`);
    await chmod(join(bin, 'dpkg-query'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const upgraded = await machineWasm({ dir: machineDir, cache, offline: false, progress });
      expect(upgraded.toolchain['wasi-libc']).toBe('99.0-upgraded');
      expect(upgraded.path).not.toBe(first.path);
      expect(notes.filter((n) => n.startsWith('machine: make'))).toHaveLength(2);
    } finally {
      process.env.PATH = path;
    }
  });
});
