import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Bundle, ImageConfig } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';

export interface LoadedBundle {
  dir: string;
  bundle: Bundle;
  imageConfig: ImageConfig;
  path(file: string): string;
}

/**
 * Reads and validates bundle.json and checks every part is present with its recorded size (full
 * digests are checked by `c2w verify`-style tooling later; hashing a GB-sized ISO on every run is
 * too slow to be the default).
 */
export async function readBundle(dir: string): Promise<LoadedBundle> {
  let text: string;
  try {
    text = await readFile(join(dir, 'bundle.json'), 'utf8');
  } catch (err) {
    throw new InputError(`${dir} is not a c2w bundle (no readable bundle.json)`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${dir}/bundle.json is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = Bundle.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${dir}/bundle.json is invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const bundle = parsed.data;
  for (const [name, ref] of Object.entries(bundle.files)) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (!st) throw new InputError(`${dir}: bundle part ${name} is missing`);
    if (st.size !== ref.size) throw new InputError(`${dir}: bundle part ${name} is ${st.size} bytes, expected ${ref.size}`);
  }
  for (const name of [bundle.machine.wasm, ...bootFiles(bundle), bundle.image.config, ...bundle.disks.map((d) => d.file)]) {
    if (!(name in bundle.files)) throw new InputError(`${dir}/bundle.json: ${name} is used but not listed in files`);
  }
  const imageConfig = await readImageConfig(join(dir, bundle.image.config));
  return { dir, bundle, imageConfig, path: (file) => join(dir, file) };
}

/** The files the machine boots from: riscv64's firmware and kernel, or x86_64's kernel alone. */
export const bootFiles = (bundle: Bundle): string[] => [...(bundle.boot.firmware !== undefined ? [bundle.boot.firmware] : []), bundle.boot.kernel];

/** The image's OCI config: not JSON or not a config is bad input named in one line (the first problem only). */
async function readImageConfig(path: string): Promise<ImageConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ImageConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${path} is not a valid image config: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
