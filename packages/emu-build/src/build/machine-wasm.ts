import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { EnvironmentError } from '@c2w/errors';
import { offlineMissing } from '../debian/archive.js';
import type { OutputCache } from '../cache/output-cache.js';
import { keyOf } from '../cache/cache-key.js';

export interface MachineOptions {
  /** packages/machine: native/<folder>/*.c|h and a Makefile with a `wasm` target. */
  dir: string;
  cache: OutputCache;
  offline: boolean;
  progress: (message: string) => void;
}

export interface MachineBuild {
  path: string;
  sources: string;
  compiler: string;
  /** Debian package versions of the toolchain (dpkg-query), part of the cache key. */
  toolchain: Record<string, string>;
}

/** What compiles and links machine.wasm: compiler, linker, compiler-rt builtins, libc. */
export const TOOLCHAIN_PACKAGES = ['clang-16', 'lld-16', 'libclang-rt-16-dev-wasm32', 'wasi-libc'] as const;

/**
 * Installed versions of the toolchain packages, so that an upgrade (same `clang --version` line,
 * new Debian revision, or a new wasi-libc) gives a new cache key and a rebuild. A host without
 * dpkg or without a package records that instead.
 */
export async function toolchainVersions(): Promise<Record<string, string>> {
  const r = await execa('dpkg-query', ['-W', '-f=${Package} ${Version}\\n', ...TOOLCHAIN_PACKAGES], { reject: false, stdin: 'ignore' })
    .catch(() => undefined);
  const found = new Map<string, string>();
  for (const line of String(r?.stdout ?? '').split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line.trim());
    if (m) found.set(m[1]!, m[2]!);
  }
  // no exit code: dpkg-query could not be run (not a Debian host); exit 1: some are not installed
  const none = r?.exitCode === undefined ? 'unknown (no dpkg-query)' : 'not installed';
  return Object.fromEntries(TOOLCHAIN_PACKAGES.map((p) => [p, found.get(p) ?? none]));
}

/** Digest over the machine's Makefile and C sources (native/ and its folders), in path order. */
async function sourcesDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = await readdir(join(dir, 'native'), { recursive: true });
  const names = entries.filter((n) => /\.[ch]$/.test(n)).sort();
  for (const name of ['Makefile', ...names.map((n) => `native/${n}`)]) {
    const bytes = await readFile(join(dir, name));
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * machine.wasm, compiled by packages/machine's own Makefile (clang-16 -c, then wasm-ld-16: no
 * post-link optimizer runs, whatever is installed) from a clean state into a fresh directory
 * (BUILD=), never reusing the workspace's incremental build, and cached by the digest of its
 * sources, the compiler version and the toolchain packages' versions.
 */
export async function machineWasm(opts: MachineOptions): Promise<MachineBuild> {
  const sources = await sourcesDigest(opts.dir).catch((err) => {
    throw new EnvironmentError(`cannot read the machine sources in ${opts.dir}: ${(err as Error).message}`, { cause: err });
  });
  const cc = await execa('clang-16', ['--version'], { reject: false, stdin: 'ignore' }).catch(() => undefined);
  const compiler = cc?.exitCode === 0 ? String(cc.stdout).split('\n')[0]!.trim() : 'clang-16 (not installed)';
  const toolchain = await toolchainVersions();
  // v3: compiled with clang -c and linked by wasm-ld itself; a v2 entry was linked through the
  // clang driver, which may have run a wasm-opt found on the host (other bytes, 3x slower)
  const key = keyOf({ v: 3, sources, compiler, toolchain });
  const hit = await opts.cache.lookup('machine', key);
  if (hit.state === 'hit') return { path: join(hit.entry.dir, 'machine.wasm'), sources, compiler, toolchain };
  if (hit.state === 'corrupt') opts.progress(`machine: cached ${hit.file} is corrupted (sha256 mismatch), rebuilding`);
  if (opts.offline) throw offlineMissing('machine.wasm', opts.cache.dirOf('machine', key));
  if (cc?.exitCode !== 0) throw new EnvironmentError('clang-16 is needed to compile machine.wasm (apt-get install clang-16 lld-16 wasi-libc)');
  opts.progress('machine: make -C packages/machine wasm (clean build)');
  const entry = await opts.cache.store('machine', key, async (tmp) => {
    await compileMachineWasm(opts.dir, join(tmp, 'build'));
    await rename(join(tmp, 'build', 'wasm', 'machine.wasm'), join(tmp, 'machine.wasm'));
    await rm(join(tmp, 'build'), { recursive: true, force: true });
    return ['machine.wasm'];
  });
  return { path: join(entry.dir, 'machine.wasm'), sources, compiler, toolchain };
}

/** `make -C dir wasm BUILD=build`: writes build/wasm/machine.wasm (build must not hold one yet). */
export async function compileMachineWasm(dir: string, build: string): Promise<string> {
  const made = await execa('make', ['-C', dir, 'wasm', `BUILD=${build}`], { reject: false, stdin: 'ignore', all: true });
  if (made.exitCode !== 0) {
    const tail = String(made.all ?? '').split('\n').filter(Boolean).slice(-5).join(' | ');
    throw new EnvironmentError(`make -C ${dir} wasm failed (exit ${made.exitCode}): ${tail}`);
  }
  return join(build, 'wasm', 'machine.wasm');
}
