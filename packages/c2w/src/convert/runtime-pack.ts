import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { NATIVE_IMAGE_ARCH, RuntimePack, type MachineArch } from '@c2w/artifacts';
import { EmuBuildOptions, buildPack } from '@c2w/emu-build';
import { EnvironmentError, InputError } from '@c2w/errors';
import { findPackPackage, packPackage } from './find-pack-package.js';
import { verifyPackFiles } from './verify-pack.js';

export interface PackDir {
  dir: string;
  pack: RuntimePack;
  /** sha256 of pack.json's bytes: the identity of the runtime the bundle was made with. */
  digest: string;
}

export interface PackSource {
  /** `--runtime-pack DIR`, repeatable (one pack per machine). */
  dirs?: string[] | undefined;
  /** `$C2W_PACK`: a pack directory, or several separated by the path delimiter (':'). */
  env?: string | undefined;
  /** The machine the bundle runs on (machine-choice.ts); only a pack for it is taken. */
  machine: MachineArch;
  cwd: string;
  buildInto: string;
  cache: string;
  offline: boolean;
  epoch: number;
}

/**
 * The runtime pack for `o.machine`, in docs/distribution.md's order: `--runtime-pack DIR`,
 * `$C2W_PACK` (the first of them made for that machine), the installed npm package
 * `@c2w/runtime-pack-<machine>`, else emu-build (which needs a c2w clone on Linux with the cross
 * toolchains). Whichever it is, every file is checked against pack.json before use.
 */
export async function obtainRuntimePack(o: PackSource, progress: (m: string) => void): Promise<PackDir> {
  const explicit = [...(o.dirs ?? []), ...(o.env ? o.env.split(delimiter).filter(Boolean) : [])];
  const others: string[] = [];
  let found: PackDir | undefined;
  for (const dir of explicit) {
    const candidate = await readPackDir(dir);
    if (candidate.pack.arch === o.machine) {
      found = candidate;
      break;
    }
    others.push(`${dir} is ${candidate.pack.arch}`);
  }
  if (!found) {
    const dir = findPackPackage(o.cwd, import.meta.url, o.machine) ?? (await buildLocally(o, others, progress));
    found = await readPackDir(dir);
    if (found.pack.arch !== o.machine) throw new InputError(`runtime pack ${dir} is for ${found.pack.arch}, expected ${o.machine} (${packPackage(o.machine)})`);
  }
  progress(`runtime pack: checking ${found.dir} (${o.machine})`);
  await verifyPackFiles(found.dir, found.pack);
  return found;
}

async function buildLocally(o: PackSource, others: string[], progress: (m: string) => void): Promise<string> {
  const options = EmuBuildOptions.parse({ arch: NATIVE_IMAGE_ARCH[o.machine], out: o.buildInto, cache: o.cache, offline: o.offline, sourceDateEpoch: o.epoch });
  // an installed emu-build has no kernel script: building is for clones; users install the pack
  if (!existsSync(options.kernelScript)) {
    const fallback = o.machine === 'x86_64' ? ', or convert with --machine riscv64 to run the amd64 image through qemu-user' : '';
    const given = others.length ? ` (${others.join(', ')})` : '';
    throw new EnvironmentError(`no ${o.machine} runtime pack${given}: install it (npm install ${packPackage(o.machine)}), pass --runtime-pack DIR or set C2W_PACK${fallback}`);
  }
  return (await buildPack(options, (m) => progress(`runtime pack: ${m}`))).out;
}

export async function readPackDir(dir: string): Promise<PackDir> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, 'pack.json'));
  } catch (err) {
    throw new InputError(`runtime pack ${dir} has no readable pack.json`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InputError(`runtime pack ${dir}/pack.json is not JSON`, { cause: err });
  }
  const parsed = RuntimePack.safeParse(json);
  if (!parsed.success) throw new InputError(`runtime pack ${dir}/pack.json is invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const { createHash } = await import('node:crypto');
  return { dir, pack: parsed.data, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}
