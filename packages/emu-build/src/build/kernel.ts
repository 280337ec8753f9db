import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { EnvironmentError } from '@c2w/errors';
import { offlineMissing } from '../debian/archive.js';
import { digestFile, type FileDigest } from '@c2w/streams';
import type { KernelSource } from './kernel-source.js';

export interface KernelOptions {
  /** tools/<riscv64|x86_64>/build-kernel.sh (owned by the kernel work; see README). */
  script: string;
  /** Cache root handed to the script as C2W_CACHE; entries live in <cache>/<cacheDir>/<key>/. */
  cache: string;
  /** The script's entry folder under the cache and its artifact (riscv64: kernel, Image). */
  layout?: { cacheDir: string; file: 'Image' | 'vmlinux' };
  offline: boolean;
  /** The verified Debian source tarball (kernel-source.ts). */
  source: KernelSource;
  sourceDateEpoch?: number;
  progress: (message: string) => void;
}

export interface KernelBuild {
  image: string;
  imageDigest: FileDigest;
  config: string;
  configDigest: FileDigest;
  key: string;
  release: string;
  /** The script's declared inputs (fragment and script digests, toolchain versions, epoch). */
  inputs: Record<string, string>;
}

/**
 * The guest kernel (riscv64 Image, x86_64 vmlinux), from the kernel script's content-addressed
 * cache. The script holds a per-key lock, so a build already running for the same key is waited
 * for, never repeated; a cache hit costs a digest check.
 */
export async function kernelImage(opts: KernelOptions): Promise<KernelBuild> {
  // The kernel has its own default epoch (its source's changelog date); a caller's SOURCE_DATE_EPOCH
  // would change its cache key, so it is passed only when asked for explicitly.
  const { source } = opts;
  const { cacheDir, file } = opts.layout ?? { cacheDir: 'kernel', file: 'Image' };
  const env = {
    C2W_CACHE: opts.cache,
    JOBS: '2',
    SRC_TAR: source.tarball,
    SRC_VERSION: source.version,
    SRC_SHA256: source.debSha256,
    SRC_SUITE: source.suite,
    SRC_EPOCH: String(source.epoch),
    SOURCE_DATE_EPOCH: opts.sourceDateEpoch !== undefined ? String(opts.sourceDateEpoch) : undefined,
  };
  const run = async (args: string[]) => {
    try {
      const child = execa('bash', [opts.script, ...args], { env, stdin: 'ignore', reject: false, all: false });
      child.stderr?.on('data', (d: Buffer) => { for (const line of d.toString().split('\n')) if (line.trim()) opts.progress(`kernel: ${line.replace(/^\[build-kernel\] /, '')}`); });
      return await child;
    } catch (err) {
      throw new EnvironmentError(`cannot run ${opts.script}: ${(err as Error).message}`, { cause: err });
    }
  };
  const keyRun = await run(['--print-key']);
  const key = String(keyRun.stdout).trim();
  if (keyRun.exitCode !== 0 || !/^[0-9a-f]{64}$/.test(key)) throw new EnvironmentError(`${opts.script} --print-key failed (exit ${keyRun.exitCode})`);
  const dir = join(opts.cache, cacheDir, key);
  const cached = await stat(join(dir, file)).then(() => true, () => false);
  if (!cached && opts.offline) throw offlineMissing(`the kernel ${file} (key ${key.slice(0, 16)})`, join(dir, file));
  if (!cached) {
    await source.verify(); // the tarball is about to be built from: hash it now
    await waitForOtherKernelBuilds(opts.progress);
    opts.progress(`kernel: not cached, building (10-25 min on 2 cores)`);
  }
  const built = await run(opts.offline ? ['--offline'] : []);
  const out = String(built.stdout).trim().split('\n').pop() ?? '';
  if (built.exitCode !== 0 || resolve(out) !== resolve(dir)) throw new EnvironmentError(`kernel build failed (${opts.script} exit ${built.exitCode}); see the messages above`);
  const inputs: Record<string, string> = {};
  let release = '';
  for (const line of (await readFile(join(dir, 'inputs.txt'), 'utf8')).split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (!m) continue;
    // build_seconds varies between builds and key repeats the directory name: not inputs.
    if (m[1] === 'build_seconds' || m[1] === 'key') continue;
    if (m[1] === 'kernelrelease') release = m[2]!;
    else inputs[m[1]!] = m[2]!;
  }
  const image = join(dir, file);
  const config = join(dir, 'config');
  return { image, imageDigest: await digestFile(image), config, configDigest: await digestFile(config), key, release, inputs };
}

/**
 * Two kernel builds at once would each get half of a 2-core machine and take twice as long; the
 * script's lock only covers one key, so wait for any other `make ... Image|vmlinux` first.
 */
async function waitForOtherKernelBuilds(progress: (m: string) => void): Promise<void> {
  for (let told = false; ; told = true) {
    const r = await execa('pgrep', ['-f', 'make( .*)? (Image|vmlinux)$'], { reject: false, stdin: 'ignore' }).catch(() => undefined);
    if (r?.exitCode !== 0) return;
    if (!told) progress('kernel: another kernel build is running; waiting for it to finish');
    await sleep(15_000);
  }
}
