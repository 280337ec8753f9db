import { jest } from '@jest/globals';
import { execa } from 'execa';
import { access, chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

/** Runs `fn` with `dir` first on PATH (execa and make inherit process.env). */
async function withPathFirst<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = path;
  }
}

const exists = (p: string) => access(p).then(() => true, () => false);

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

  // clang-16's driver runs `wasm-opt OUT -O2 -o OUT` after linking whenever it finds one; the
  // Makefile links with wasm-ld itself, so what is installed cannot change the bytes.
  describe('no post-link optimizer runs, whatever is installed', () => {
    let clean: Buffer;
    beforeAll(async () => {
      const dir = await copySources(join(work, 'clean'));
      clean = await readFile(await compileMachineWasm(dir, join(dir, 'out')));
    });

    it('a wasm-opt first on PATH that records its calls and corrupts its output is never run', async () => {
      const bin = join(work, 'fake-wasm-opt');
      const calls = join(work, 'wasm-opt-calls');
      await mkdir(bin);
      await writeFile(join(bin, 'wasm-opt'), `#!/bin/sh
echo "$*" >> '${calls}'
while [ $# -gt 0 ]; do [ "$1" = -o ] && printf 'corrupted by wasm-opt' >> "$2"; shift; done
exit 0
`);
      await chmod(join(bin, 'wasm-opt'), 0o755);
      const dir = await copySources(join(work, 'fake'));
      const built = await withPathFirst(bin, async () => readFile(await compileMachineWasm(dir, join(dir, 'out'))));
      expect(await exists(calls)).toBe(false);
      expect(built.equals(clean)).toBe(true);
    });

    it("Debian binaryen's wasm-opt on PATH changes nothing, though it rewrites what the clang driver links", async () => {
      // a prerequisite (.ci/apt-packages.txt): without a real wasm-opt this test proves nothing. Named
      // by path: npm puts node_modules/.bin first on PATH, where npm's binaryen has a wasm-opt too.
      const wasmOpt = '/usr/bin/wasm-opt';
      if (!await exists(wasmOpt)) throw new Error(`${wasmOpt} not found: apt-get install binaryen (.ci/apt-packages.txt)`);
      const dir = await copySources(join(work, 'binaryen'));
      const built = await withPathFirst(dirname(wasmOpt), async () => readFile(await compileMachineWasm(dir, join(dir, 'out'))));
      expect(built.equals(clean)).toBe(true);

      // the trap is real with this binaryen: the same objects linked through the driver with -O2
      // come out as wasm-opt -O2 of the hermetic build, other bytes
      const obj = join(dir, 'out', 'wasm', 'obj');
      const objects = (await readdir(obj)).sort().map((n) => join(obj, n));
      const viaDriver = join(work, 'via-driver.wasm');
      await withPathFirst(dirname(wasmOpt), () => execa('clang-16', ['--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-fuse-ld=lld',
        '-Wl,--initial-memory=402653184', '-Wl,--max-memory=4294967296', '-Wl,-z,stack-size=1048576', '-Wl,--export-table', '-Wl,--growable-table',
        '-o', viaDriver, ...objects]));
      const optimized = join(work, 'optimized.wasm');
      await execa(wasmOpt, [join(dir, 'out', 'wasm', 'machine.wasm'), '-O2', '-o', optimized]);
      const driverBytes = await readFile(viaDriver);
      expect(driverBytes.equals(await readFile(optimized))).toBe(true);
      expect(driverBytes.equals(clean)).toBe(false);
    });
  });
});
