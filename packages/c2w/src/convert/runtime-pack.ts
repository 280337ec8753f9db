import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimePack } from '@c2w/artifacts';
import { EmuBuildOptions, buildPack } from '@c2w/emu-build';
import { EnvironmentError, InputError } from '@c2w/errors';
import { PACK_PACKAGE, findPackPackage } from './find-pack-package.js';
import { verifyPackFiles } from './verify-pack.js';

export interface PackDir {
  dir: string;
  pack: RuntimePack;
  /** sha256 of pack.json's bytes: the identity of the runtime the bundle was made with. */
  digest: string;
}

export interface PackSource {
  /** `--runtime-pack DIR` */
  dir?: string | undefined;
  /** `$C2W_PACK` */
  env?: string | undefined;
  cwd: string;
  buildInto: string;
  cache: string;
  offline: boolean;
  epoch: number;
}

/**
 * The runtime pack, in docs/distribution.md's order: `--runtime-pack DIR`, `$C2W_PACK`, the installed
 * npm package, else emu-build (which needs a c2w clone on Linux with the cross toolchains).
 * Whichever it is, every file is checked against pack.json before use.
 */
export async function obtainRuntimePack(o: PackSource, progress: (m: string) => void): Promise<PackDir> {
  const given = o.dir ?? (o.env || undefined) ?? findPackPackage(o.cwd, import.meta.url);
  const dir = given ?? (await buildLocally(o, progress));
  const found = await readPackDir(dir);
  progress(`runtime pack: checking ${dir}`);
  await verifyPackFiles(dir, found.pack);
  return found;
}

async function buildLocally(o: PackSource, progress: (m: string) => void): Promise<string> {
  const options = EmuBuildOptions.parse({ arch: 'riscv64', out: o.buildInto, cache: o.cache, offline: o.offline, sourceDateEpoch: o.epoch });
  // an installed emu-build has no kernel script: building is for clones; users install the pack
  if (!existsSync(options.kernelScript)) {
    throw new EnvironmentError(`no runtime pack: install it (npm install ${PACK_PACKAGE}), pass --runtime-pack DIR or set C2W_PACK`);
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
