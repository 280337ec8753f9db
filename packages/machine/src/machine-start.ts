// The machine's two slow starts, begun before its command line is known: compiling machine.wasm
// and booting the worker thread that will run it (docs/decisions/0051).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { InputError } from '@c2w/errors';
import type { WorkerInput, WorkerMessage, WorkerResult } from './machine-worker.js';

export const defaultWasmPath = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'wasm', 'machine.wasm');

/** The compiled worker entry (dist/, also when this file runs from src/ under ts-jest). */
const workerPath = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'machine-worker.js');

// @types/node 20 does not declare the WebAssembly namespace (it lives in lib.dom); type the call we use.
const Wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

/**
 * node:wasi's fast API calls can run a GC in the middle of the call (uvwasi's allocator reports
 * external memory to V8), which corrupts the heap: SIGSEGV in most runs that close a file or poll
 * (nodejs/node#46777, open on Node 20 and 22). Turn fast API calls off before any wasm is compiled
 * (every compile starts here); the flag is process-wide and only costs speed on WASI calls, which
 * the machine makes rarely.
 */
setFlagsFromString('--no-turbo-fast-api-calls');

let cachedModule: { path: string; module: Promise<object> } | undefined;

/**
 * machine.wasm (or out.wasm) read and compiled once per process and path: a caller that knows the
 * path early starts it, and runWithArgs gets the same promise. `onPhase` hears when it is compiled.
 */
export function compileMachine(path: string, onPhase?: (phase: string) => void): Promise<object> {
  if (cachedModule?.path === path) return cachedModule.module;
  const module = readFile(path).then(
    (bytes) => Wasm.compile(bytes).catch((err: Error) => {
      throw new InputError(`'${path}' is not a valid wasm module: ${err.message}`, { cause: err });
    }),
    (err: Error) => { throw new InputError(`cannot read machine.wasm '${path}': ${err.message}`, { cause: err }); },
  );
  cachedModule = { path, module };
  // a failed compile is reported by the run that awaits it; forget it, so a later call tries again
  module.then(() => onPhase?.('machine.wasm compiled'), () => { if (cachedModule?.module === module) cachedModule = undefined; });
  return module;
}

/** How the worker ended: its last message (the machine's exit status or failure), or the error it died of. */
export interface WorkerOutcome {
  result: WorkerResult | undefined;
  error: Error | undefined;
  exitCode: number;
}

/** A machine on its way: its worker thread booting and waiting for its input. */
export interface MachineStart {
  /** Hands the worker its input and resolves when the worker ended. */
  run(input: WorkerInput): Promise<WorkerOutcome>;
  /** Ends the worker: the run will not happen (an error before it). */
  cancel(): void;
}

/**
 * Starts the worker thread that will run the machine, so its boot (a Node environment, its
 * modules, node:wasi) overlaps whatever the caller still prepares (bundle checks, the writable
 * layer's disk, compileMachine); runWithArgs takes it as `io.start`. The idle worker does not keep
 * the process alive. `onPhase` hears each step on the way to the guest's first instruction
 * (C2W_TRACE_STARTUP).
 */
export function startMachine(onPhase?: (phase: string) => void): MachineStart {
  const worker = new Worker(workerPath());
  worker.unref();
  if (onPhase) worker.once('online', () => onPhase('machine worker online'));
  // listening from the start: a worker that dies before it has its input is reported by run()
  const outcome = new Promise<WorkerOutcome>((resolvePromise) => {
    let result: WorkerResult | undefined;
    let error: Error | undefined;
    worker.on('message', (m: WorkerMessage) => {
      if ('phase' in m) onPhase?.(m.phase);
      else result = m;
    });
    worker.once('error', (err) => { error = err; });
    worker.once('exit', (exitCode) => resolvePromise({ result, error, exitCode }));
  });
  return {
    run(input) {
      worker.ref();
      worker.postMessage(onPhase ? { ...input, trace: true } : input);
      return outcome;
    },
    cancel: () => { void worker.terminate(); },
  };
}
