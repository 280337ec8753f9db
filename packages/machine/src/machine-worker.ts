/**
 * The machine's thread: instantiates machine.wasm with node:wasi and runs it to completion
 * (wasi.start blocks this thread, not the host's event loop). Console input comes from the
 * StdinRing the host fills (wasi-console.ts); output goes straight to the inherited descriptors.
 * The thread starts before its input is known (machine-start.ts) and waits for it as its first
 * message, so its own start overlaps the host's preparation.
 */
import { parentPort } from 'node:worker_threads';
import { StdinRing } from './stdin-ring.js';
import { FrameRing } from './frame-ring.js';
import { withRingConsole, type WasiImports } from './wasi-console.js';
import { netPollSource, withNetChannel, type NetChannel } from './wasi-net.js';
import { WinsizeCell } from './winsize-cell.js';
import { winsizePollSource, withWinsizeChannel } from './wasi-winsize.js';
import type { JitHost, JitStats } from './jit-host.js';

export interface WorkerInput {
  module: object;
  args: string[];
  preopens: Record<string, string>;
  ring: SharedArrayBuffer;
  stdout: number;
  stderr: number;
  /** The network's frame rings (to the guest, from the guest) when the machine has --net. */
  net?: { toGuest: SharedArrayBuffer; fromGuest: SharedArrayBuffer };
  /** The terminal size cell (WinsizeCell) when the machine has --winsize. */
  winsize?: SharedArrayBuffer;
  /** The machine runs with --jit: translate its hot blocks (jit-host.ts). */
  jit?: boolean;
  /** Post `{ phase }` messages on the way to the guest's first instruction (C2W_TRACE_STARTUP). */
  trace?: boolean;
}
export type WorkerResult = { code: number; jit?: JitStats } | { error: string };
export type WorkerMessage = WorkerResult | { phase: string };

interface WasmInstance {
  exports: { memory: { buffer: ArrayBuffer }; __indirect_function_table?: { grow(n: number, v?: unknown): number }; c2w_jit_info?: () => number };
}
const Wasm = (globalThis as unknown as { WebAssembly: { instantiate(m: object, i: object): Promise<WasmInstance> } }).WebAssembly;

// node:wasi warns once that it is experimental; the guest owns stderr.
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).includes('WASI is an experimental feature')) return;
  (emit as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
// loaded while the host still prepares the input
const wasiModule = import('node:wasi');

async function main(input: WorkerInput): Promise<{ code: number; jit?: JitStats }> {
  const { WASI } = await wasiModule;
  const wasi = new WASI({
    version: 'preview1',
    args: ['c2w-machine', ...input.args],
    env: {},
    preopens: input.preopens,
    returnOnExit: true,
    stdin: 0,
    stdout: input.stdout,
    stderr: input.stderr,
  });
  const made: { instance?: WasmInstance } = {};
  const memory = (): { buffer: ArrayBuffer } => {
    if (!made.instance) throw new Error('memory used before instantiation');
    return made.instance.exports.memory;
  };
  const net: NetChannel | undefined = input.net && { toGuest: new FrameRing(input.net.toGuest), fromGuest: new FrameRing(input.net.fromGuest) };
  const winsize = input.winsize && winsizePollSource(new WinsizeCell(input.winsize));
  const polled = [...(net ? [netPollSource(net)] : []), ...(winsize ? [winsize] : [])];
  let imports = withRingConsole(wasi.getImportObject() as unknown as WasiImports, new StdinRing(input.ring), memory, polled);
  if (net) imports = withNetChannel(imports, net, memory);
  if (winsize) imports = withWinsizeChannel(imports, winsize, memory);
  let jit: JitHost | undefined;
  if (input.jit) {
    // the translator is loaded by JIT runs only
    const { JitHost, withJit } = await import('./jit-host.js');
    jit = new JitHost(() => {
      const e = made.instance?.exports;
      const table = e?.__indirect_function_table, info = e?.c2w_jit_info;
      return e && table && info ? { memory: e.memory, table, info } : undefined;
    });
    imports = withJit(imports, jit);
  }
  made.instance = await Wasm.instantiate(input.module, imports);
  if (input.trace) parentPort?.postMessage({ phase: 'machine instantiated, guest starts' } satisfies WorkerMessage);
  const code = wasi.start(made.instance as never);
  return jit ? { code, jit: jit.stats() } : { code };
}

parentPort?.once('message', (input: WorkerInput) => {
  main(input).then(
    (result) => parentPort?.postMessage(result satisfies WorkerMessage),
    // the class names what failed (RuntimeError: a wasm trap; LinkError: wrong imports)
    (e: unknown) => parentPort?.postMessage({ error: e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e) } satisfies WorkerMessage),
  );
});
