import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * wasm-split's MANIFEST_FILE, spelled out: its module loads zod for the manifest's schema, which
 * every `c2w run` would then pay for just to tell the forms apart (test/run/split-set-dir.test.ts
 * checks the two agree).
 */
export const MANIFEST_FILE = 'split.json';
/** The split set's directory when `path` is one (a directory holding split.json, or that file), else undefined. */
export async function splitSetDir(path: string): Promise<string | undefined> {
  const dir = basename(path) === MANIFEST_FILE ? dirname(path) : path;
  return (await stat(join(dir, MANIFEST_FILE)).catch(() => undefined))?.isFile() ? dir : undefined;
}
