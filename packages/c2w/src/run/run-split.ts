import { setFlagsFromString } from 'node:v8';
import { InputError } from '@c2w/errors';
import { instantiateSplitDir } from '@c2w/wasm-split/node-loader';

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
  // the side modules are read, not compiled: RSS stays flat with the payload (ADR 0021)
  let linked: ReturnType<typeof instantiateSplitDir>;
  try {
    linked = instantiateSplitDir(dir, { wasi_snapshot_preview1: wasi.wasiImport } as Parameters<typeof instantiateSplitDir>[1]);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot load the split set ${dir}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return wasi.start(linked.instance);
  } finally {
    linked.close();
  }
}
