// Runs machine.wasm under Node's `node:wasi` (preview1) in a worker thread and returns the guest's
// exit status (sifive_test finisher / SBI system reset).
import { readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { InputError } from '@c2w/errors';
import type { WorkerInput, WorkerMessage } from './machine-worker.js';
import { MachineStoppedError } from './machine-stopped.js';
import { StdinRing } from './stdin-ring.js';
import { pumpInput } from './input-pump.js';
import { startNet, type RunningNet } from './net-host.js';
import { buildArgs } from './wasm-args.js';
import { WinsizeCell } from './winsize-cell.js';
import type { MachineOptions } from './options.js';

export const defaultWasmPath = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'wasm', 'machine.wasm');

// @types/node 20 does not declare the WebAssembly namespace (it lives in lib.dom); type the two
// calls we use.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * node:wasi's fast API calls can run a GC in the middle of the call (uvwasi's allocator reports
 * external memory to V8), which corrupts the heap: SIGSEGV in most runs that close a file or poll
 * (nodejs/node#46777, open on Node 20 and 22). Turn fast API calls off before any wasm is compiled;
 * the flag is process-wide and only costs speed on WASI calls, which the machine makes rarely.
 */
setFlagsFromString('--no-turbo-fast-api-calls');

let cachedModule: { path: string; module: object } | undefined;

async function loadModule(path: string): Promise<object> {
  if (cachedModule?.path === path) return cachedModule.module;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read machine.wasm '${path}': ${(err as Error).message}`, { cause: err });
  }
  const module = await Wasm.compile(bytes).catch((err: Error) => {
    throw new InputError(`'${path}' is not a valid wasm module: ${err.message}`, { cause: err });
  });
  cachedModule = { path, module };
  return module;
}

/** The compiled worker entry (dist/, also when this file runs from src/ under ts-jest). */
const workerPath = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'machine-worker.js');

/**
 * Runs the machine to completion in a worker thread and returns its exit status. The calling
 * thread stays free to feed the console from `opts.input` (default: process.stdin).
 */
export async function runMachine(opts: MachineOptions): Promise<number> {
  // C2W_JIT=1 turns the JIT tier on for every run (c2w run included) while it is experimental
  const { args, preopens } = buildArgs(process.env.C2W_JIT === '1' ? { ...opts, jit: true } : opts);
  return runWithArgs(args, preopens, opts);
}

/** Runs machine.wasm with a raw command line (after argv[0]) and the given preopens. */
export async function runWithArgs(
  args: string[],
  preopens: Record<string, string> = {},
  io: Pick<MachineOptions, 'input' | 'stdout' | 'stderr' | 'wasmPath' | 'net' | 'winsize'> = {},
): Promise<number> {
  const module = await loadModule(io.wasmPath ?? defaultWasmPath());
  const ring = new StdinRing();
  // before the input pump: a published port in use must fail the run before anything starts
  const net: RunningNet | undefined = io.net ? await startNet(io.net, ring) : undefined;
  const input = io.input === undefined ? process.stdin : io.input;
  const stopInput = input ? pumpInput(input, ring) : (ring.close(), () => undefined);
  // the size at start, then each change; the bell wakes a machine idling in poll_oneoff
  const terminal = io.winsize;
  const cell = terminal ? new WinsizeCell() : undefined;
  let unsubscribe = (): void => undefined;
  if (terminal && cell) {
    cell.set(terminal.size());
    unsubscribe = terminal.onResize(() => { cell.set(terminal.size()); ring.ring(); });
  }
  const workerData: WorkerInput = { module, args, preopens, ring: ring.sab, stdout: io.stdout ?? 1, stderr: io.stderr ?? 2, ...(net ? { net: net.rings } : {}), ...(cell ? { winsize: cell.sab } : {}), ...(args.includes('--jit') ? { jit: true } : {}) };
  const worker = new Worker(workerPath(), { workerData });
  try {
    return await new Promise<number>((resolvePromise, reject) => {
      let result: WorkerMessage | undefined;
      worker.once('message', (m: WorkerMessage) => { result = m; });
      // a trap, a failed instantiation or a dead worker: the machine failed, not the guest
      worker.once('error', (err) => reject(new MachineStoppedError(err.message.split('\n')[0]!, { cause: err })));
      worker.once('exit', (code) => {
        if (result === undefined) reject(new MachineStoppedError(`its worker thread exited with code ${code}`));
        else if ('code' in result) {
          // next to the machine's own --stats line: what the JIT host translated
          const j = result.jit;
          if (j && args.includes('--stats')) writeSync(io.stderr ?? 2, `c2w-machine: jit: ${j.retired} instructions in translations; ${j.translated} blocks translated in ${j.modules} modules, ${j.refused} refused\n`);
          resolvePromise(result.code);
        }
        else reject(new MachineStoppedError(result.error));
      });
    });
  } finally {
    unsubscribe();
    stopInput();
    net?.stop();
  }
}
