#!/usr/bin/env node
// Runs build/wasm/x86-user.wasm (the x86-64 CPU's user-mode runner) under Node's WASI:
// node run-wasm.mjs [--stats] PROGRAM; with --bare first, build/wasm/x86-bare.wasm (the bare PVH
// board) instead. The program's folder is preopened (and an --initrd file's, as /initrd); stdout,
// stderr and the exit status are the runner's.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// node:wasi prints a one-time ExperimentalWarning when loaded; keep stderr for the runner.
for (const l of process.listeners('warning')) process.removeListener('warning', l);
const { WASI } = await import('node:wasi');

const args = process.argv.slice(2);
const bare = args[0] === '--bare';
if (bare) args.shift();
const program = resolve(args.pop() ?? '');
const preopens = { '/prog': dirname(program) };
const initrd = args.indexOf('--initrd') + 1;
if (initrd > 0 && args[initrd] !== undefined) {
  preopens['/initrd'] = dirname(resolve(args[initrd]));
  args[initrd] = `/initrd/${basename(args[initrd])}`;
}
const wasmPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'wasm', bare ? 'x86-bare.wasm' : 'x86-user.wasm');
const wasi = new WASI({
  version: 'preview1',
  args: [bare ? 'c2w-x86-bare' : 'c2w-x86-user', ...args, `/prog/${basename(program)}`],
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
