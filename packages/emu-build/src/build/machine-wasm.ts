import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { EnvironmentError } from '@c2w/errors';
import { offlineMissing } from '../debian/archive.js';
import type { OutputCache } from '../cache/output-cache.js';
import { keyOf } from '../cache/file-digest.js';

export interface MachineOptions {
  /** packages/machine: native/*.c|h and a Makefile with a `wasm` target. */
  dir: string;
  cache: OutputCache;
  offline: boolean;
  progress: (message: string) => void;
}

export interface MachineBuild {
  path: string;
  sources: string;
  compiler: string;
}

/** Digest over the machine's Makefile and C sources, in name order. */
async function sourcesDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(join(dir, 'native'))).filter((n) => /\.[ch]$/.test(n)).sort();
  for (const name of ['Makefile', ...names.map((n) => `native/${n}`)]) {
    const bytes = await readFile(join(dir, name));
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * machine.wasm, compiled by packages/machine's own `make wasm` (clang-16, wasm32-wasi) and cached
 * by the digest of its sources and the compiler version.
 */
export async function machineWasm(opts: MachineOptions): Promise<MachineBuild> {
  const sources = await sourcesDigest(opts.dir).catch((err) => {
    throw new EnvironmentError(`cannot read the machine sources in ${opts.dir}: ${(err as Error).message}`, { cause: err });
  });
  const cc = await execa('clang-16', ['--version'], { reject: false, stdin: 'ignore' }).catch(() => undefined);
  const compiler = cc?.exitCode === 0 ? String(cc.stdout).split('\n')[0]!.trim() : 'clang-16 (not installed)';
  const key = keyOf({ v: 1, sources, compiler });
  const hit = await opts.cache.lookup('machine', key);
  if (hit.state === 'hit') return { path: join(hit.entry.dir, 'machine.wasm'), sources, compiler };
  if (hit.state === 'corrupt') opts.progress(`machine: cached ${hit.file} is corrupted (sha256 mismatch), rebuilding`);
  if (opts.offline) throw offlineMissing('machine.wasm', opts.cache.dirOf('machine', key));
  if (cc?.exitCode !== 0) throw new EnvironmentError('clang-16 is needed to compile machine.wasm (apt-get install clang-16 lld-16 wasi-libc)');
  opts.progress('machine: make -C packages/machine wasm');
  const made = await execa('make', ['-C', opts.dir, 'wasm'], { reject: false, stdin: 'ignore', all: true });
  if (made.exitCode !== 0) {
    const tail = String(made.all ?? '').split('\n').filter(Boolean).slice(-5).join(' | ');
    throw new EnvironmentError(`make -C ${opts.dir} wasm failed (exit ${made.exitCode}): ${tail}`);
  }
  const entry = await opts.cache.store('machine', key, async (tmp) => {
    await copyFile(join(opts.dir, 'build', 'wasm', 'machine.wasm'), join(tmp, 'machine.wasm'));
    return ['machine.wasm'];
  });
  return { path: join(entry.dir, 'machine.wasm'), sources, compiler };
}
