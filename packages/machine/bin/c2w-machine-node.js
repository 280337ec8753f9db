#!/usr/bin/env node
// c2w-machine under Node's WASI: same flags and exit statuses as the native build (README.md).
import { existsSync, statSync } from 'node:fs';

// node:wasi prints a one-time ExperimentalWarning when loaded; keep stderr for the machine.
for (const l of process.listeners('warning')) process.removeListener('warning', l);
process.on('warning', (w) => {
  if (!String(w?.message).includes('WASI is an experimental feature')) process.stderr.write(`${w}\n`);
});
const { parseArgs, runMachine, runWithArgs } = await import('../dist/index.js');
const { C2wError } = await import('@c2w/errors');
// C2W_MACHINE_WASM: run another build of machine.wasm (a runtime pack's), e.g. to compare speeds
// (runMachine reads it too, for c2w run)
const wasmPath = process.env.C2W_MACHINE_WASM || undefined;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts === null) return runWithArgs(['--help'], {}, { wasmPath }); // the machine prints the full usage
  for (const [what, f] of [['firmware', opts.bios], ['kernel', opts.kernel], ['initrd', opts.initrd], ...(opts.drives ?? []).map((d) => ['drive', d.path])]) {
    if (f !== undefined && !existsSync(f)) {
      process.stderr.write(`c2w-machine: cannot open ${what} '${f}': No such file or directory\n`);
      return 1;
    }
  }
  for (const s of opts.shares ?? []) {
    if (!existsSync(s.hostPath) || !statSync(s.hostPath).isDirectory()) {
      process.stderr.write(`c2w-machine: cannot open shared directory '${s.hostPath}': No such directory\n`);
      return 1;
    }
  }
  return runMachine({ ...opts, wasmPath });
}

// usage 2, bad input 1, a machine that stopped (trap, dead worker) 4: one line each; a bug: 70 with its stack
main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`c2w-machine: ${e instanceof C2wError ? e.message : e?.stack ?? e}\n`);
  process.exit(e instanceof C2wError ? e.exitCode : 70);
});
