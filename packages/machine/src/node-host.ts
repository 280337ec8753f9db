// Runs machine.wasm under Node's `node:wasi` (preview1) in a worker thread and returns the guest's
// exit status (sifive_test finisher / SBI system reset).
import { writeSync } from 'node:fs';
import type { WorkerInput } from './machine-worker.js';
import { MachineStoppedError } from './machine-stopped.js';
import { compileMachine, defaultWasmPath, startMachine, type MachineStart } from './machine-start.js';
import { StdinRing } from './stdin-ring.js';
import { pumpInput } from './input-pump.js';
import type { RunningNet } from './net-host.js';
import { buildArgs } from './wasm-args.js';
import { WinsizeCell } from './winsize-cell.js';
import type { MachineOptions } from './options.js';

export { defaultWasmPath };

/**
 * Runs the machine to completion in a worker thread and returns its exit status. The calling
 * thread stays free to feed the console from `opts.input` (default: process.stdin).
 */
export async function runMachine(opts: MachineOptions, early: Pick<RunIo, 'start' | 'onPhase'> = {}): Promise<number> {
  // C2W_JIT=1 turns the JIT tier on for every run (c2w run included) while it is experimental
  const { args, preopens } = buildArgs(process.env.C2W_JIT === '1' ? { ...opts, jit: true } : opts);
  // C2W_MACHINE_WASM runs another build of machine.wasm than the bundle's (c2w run included), to
  // compare builds on the same run (docs/decisions/0061)
  const wasmPath = process.env.C2W_MACHINE_WASM || opts.wasmPath;
  return runWithArgs(args, preopens, { ...opts, wasmPath, ...early });
}

/** What runWithArgs takes besides the command line: the I/O, and what may already be under way. */
export type RunIo = Pick<MachineOptions, 'input' | 'stdout' | 'stderr' | 'wasmPath' | 'net' | 'winsize'> & {
  /** startMachine's worker, begun early (else this run starts one). */
  start?: MachineStart | undefined;
  /** Hears each step on the way to the guest's first instruction. */
  onPhase?: ((phase: string) => void) | undefined;
};

/** Runs machine.wasm with a raw command line (after argv[0]) and the given preopens. */
export async function runWithArgs(args: string[], preopens: Record<string, string> = {}, io: RunIo = {}): Promise<number> {
  const start = io.start ?? startMachine(io.onPhase);
  let module: object;
  try {
    // the same promise when the caller began the compile early
    module = await compileMachine(io.wasmPath ?? defaultWasmPath(), io.onPhase);
  } catch (err) {
    start.cancel();
    throw err;
  }
  const ring = new StdinRing();
  // before the input pump: a published port in use must fail the run before anything starts
  let net: RunningNet | undefined;
  try {
    // the user-mode network stack is loaded only by runs that have a network
    net = io.net ? await (await import('./net-host.js')).startNet(io.net, ring) : undefined;
  } catch (err) {
    start.cancel();
    throw err;
  }
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
  const workerInput: WorkerInput = {
    module, args, preopens, ring: ring.sab, stdout: io.stdout ?? 1, stderr: io.stderr ?? 2,
    ...(net ? { net: net.rings } : {}), ...(cell ? { winsize: cell.sab } : {}), ...(args.includes('--jit') ? { jit: true } : {}),
  };
  try {
    const { result, error, exitCode } = await start.run(workerInput);
    // a trap, a failed instantiation or a dead worker: the machine failed, not the guest
    if (error) throw new MachineStoppedError(error.message.split('\n')[0]!, { cause: error });
    if (result === undefined) throw new MachineStoppedError(`its worker thread exited with code ${exitCode}`);
    if ('error' in result) throw new MachineStoppedError(result.error);
    // next to the machine's own --stats line: what the JIT host translated
    const j = result.jit;
    if (j && args.includes('--stats')) writeSync(io.stderr ?? 2, `c2w-machine: jit: ${j.retired} instructions in translations; ${j.translated} blocks translated in ${j.modules} modules, ${j.refused} refused\n`);
    return result.code;
  } finally {
    unsubscribe();
    stopInput();
    net?.stop();
  }
}
