import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimePack } from '@c2w/artifacts';
import { buildPack } from '@c2w/emu-build';
import { InputError } from '@c2w/errors';

export interface PackDir {
  dir: string;
  pack: RuntimePack;
  /** sha256 of pack.json's bytes: the identity of the runtime the bundle was made with. */
  digest: string;
}

/** A runtime pack: an existing directory (`--runtime-pack`), or emu-build's cached build. */
export async function obtainRuntimePack(options: { dir?: string | undefined; buildInto: string; cache: string; offline: boolean; epoch: number }, progress: (m: string) => void): Promise<PackDir> {
  let dir = options.dir;
  if (dir === undefined) {
    dir = (await buildPack({ arch: 'riscv64', out: options.buildInto, cache: options.cache, offline: options.offline, sourceDateEpoch: options.epoch }, (m) => progress(`runtime pack: ${m}`))).out;
  }
  return readPackDir(dir);
}

export async function readPackDir(dir: string): Promise<PackDir> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, 'pack.json'));
  } catch (err) {
    throw new InputError(`runtime pack ${dir} has no readable pack.json`, { cause: err });
  }
  const parsed = RuntimePack.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new InputError(`runtime pack ${dir}/pack.json is invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const { createHash } = await import('node:crypto');
  return { dir, pack: parsed.data, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}
