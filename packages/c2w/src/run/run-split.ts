import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { InputError } from '@c2w/errors';
import { MANIFEST_FILE, instantiateSplit } from '@c2w/wasm-split/loader';

/** The split set's directory when `path` is one (a directory holding split.json, or that file), else undefined. */
export async function splitSetDir(path: string): Promise<string | undefined> {
  const dir = basename(path) === MANIFEST_FILE ? dirname(path) : path;
  return (await stat(join(dir, MANIFEST_FILE)).catch(() => undefined))?.isFile() ? dir : undefined;
}

/**
 * Runs a split set as docs/single-file.md's node:wasi runner does: wasm-split's loader links
 * main.wasm to its data modules, node:wasi runs it on this thread (the module polls stdin itself,
 * as out.wasm does on any host). `args` are out.wasm's own command line (singleFileArgs).
 */
export async function runSplitSet(dir: string, args: string[], preopens: Record<string, string>): Promise<number> {
  // the same guard as @c2w/machine's host: node:wasi's fast API calls corrupt the heap (nodejs/node#46777)
  setFlagsFromString('--no-turbo-fast-api-calls');
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], env: {}, preopens, returnOnExit: true });
  const read = (file: string) => readFile(join(dir, file)).catch((err: Error) => {
    throw new InputError(`cannot read ${join(dir, file)} of the split set: ${err.message}`, { cause: err });
  });
  const { instance } = await instantiateSplit(read, { wasi_snapshot_preview1: wasi.wasiImport } as Parameters<typeof instantiateSplit>[1]);
  return wasi.start(instance);
}
