// Runs build/wasm/machine.wasm under Node's `node:wasi` (preview1). Every file the machine needs
// (firmware, kernel, initrd, drives) is exposed through a preopened directory /c2w/N that maps to
// the file's host directory, and the command line is rewritten to those guest paths.
// The guest's exit status (sifive_test finisher / SBI system reset) is returned.
import { readFileSync } from 'node:fs';
import { dirname, basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './machine-worker.js';
import { StdinRing } from './stdin-ring.js';
import { jsonErrorAt } from './json-error.js';

export interface DriveOption {
  path: string;
  readonly?: boolean;
}

/** A host directory shared with the guest over virtio-9p (mount tag `tag`). */
export interface ShareOption {
  hostPath: string;
  tag: string;
  readonly?: boolean;
  /** Owner the guest sees for every file (WASI has none; default 0:0). */
  uid?: number;
  gid?: number;
}

export interface MachineOptions {
  /** Guest RAM, e.g. "256M" (default 256M). */
  memory?: string;
  bios: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  drives?: DriveOption[];
  /** Host directories for virtio-9p; each is preopened as /c2w/share/N in the wasm module. */
  shares?: ShareOption[];
  virtioConsole?: boolean;
  /**
   * Console input goes to a virtio-console port named "c2w.stdin" (/dev/vportNp0 in the guest)
   * instead of the UART; its reads return 0 (EOF) once the input ended and was read.
   */
  stdinPort?: boolean;
  icount?: boolean;
  /** Ask OpenSBI not to print its banner (the console belongs to the container). */
  quietFirmware?: boolean;
  /** Hold console input until the guest opens the gate (syscon offset 4; c2w-init does). */
  consoleGate?: boolean;
  stats?: boolean;
  maxInsns?: number;
  /** Console input (default process.stdin; null: none, the guest sees EOF). */
  input?: NodeJS.ReadableStream | null;
  /** Host file descriptors for the guest's console output (default 1 and 2). */
  stdout?: number;
  stderr?: number;
  /** Path of machine.wasm (default: this package's build/wasm/machine.wasm). */
  wasmPath?: string;
}

export const defaultWasmPath = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'wasm', 'machine.wasm');

/** Maps host files into preopened directories and returns the guest path of each. */
class Preopens {
  readonly dirs: Record<string, string> = {};
  private readonly byHostDir = new Map<string, string>();

  map(hostPath: string): string {
    const abs = resolve(hostPath);
    const dir = dirname(abs);
    let guest = this.byHostDir.get(dir);
    if (guest === undefined) {
      guest = `/c2w/${this.byHostDir.size}`;
      this.byHostDir.set(dir, guest);
      this.dirs[guest] = dir;
    }
    return `${guest}/${basename(abs)}`;
  }
}

/** Builds the machine's argv (after argv[0]) and the preopens for a set of options. */
export function buildArgs(opts: MachineOptions): { args: string[]; preopens: Record<string, string> } {
  const p = new Preopens();
  const args: string[] = [];
  if (opts.memory !== undefined) args.push('--memory', opts.memory);
  args.push('--bios', p.map(opts.bios));
  if (opts.kernel !== undefined) args.push('--kernel', p.map(opts.kernel));
  if (opts.initrd !== undefined) args.push('--initrd', p.map(opts.initrd));
  if (opts.append !== undefined) args.push('--append', opts.append);
  for (const d of opts.drives ?? []) args.push('--drive', p.map(d.path) + (d.readonly ? ',ro' : ''));
  (opts.shares ?? []).forEach((s, i) => {
    if (!/^[^,\s]{1,255}$/.test(s.tag)) throw new UsageError(`share tag '${s.tag}' must be 1..255 characters without ',' or spaces`);
    // the directory itself is the preopen: the wasm module sees nothing outside it
    const guest = `/c2w/share/${i}`;
    p.dirs[guest] = resolve(s.hostPath);
    const owner = `${s.uid !== undefined ? `,uid=${s.uid}` : ''}${s.gid !== undefined ? `,gid=${s.gid}` : ''}`;
    args.push('--share', `${guest},tag=${s.tag}${s.readonly ? ',ro' : ''}${owner}`);
  });
  if (opts.virtioConsole) args.push('--virtio-console');
  if (opts.stdinPort) args.push('--stdin-port');
  if (opts.icount) args.push('--icount');
  if (opts.quietFirmware) args.push('--quiet-firmware');
  if (opts.consoleGate) args.push('--console-gate');
  if (opts.stats) args.push('--stats');
  if (opts.maxInsns !== undefined) args.push('--max-insns', String(opts.maxInsns));
  return { args, preopens: p.dirs };
}

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
  const module = await Wasm.compile(readFileSync(path));
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
  const { args, preopens } = buildArgs(opts);
  return runWithArgs(args, preopens, opts);
}

/** Runs machine.wasm with a raw command line (after argv[0]) and the given preopens. */
export async function runWithArgs(
  args: string[],
  preopens: Record<string, string> = {},
  io: Pick<MachineOptions, 'input' | 'stdout' | 'stderr' | 'wasmPath'> = {},
): Promise<number> {
  const module = await loadModule(io.wasmPath ?? defaultWasmPath());
  const ring = new StdinRing();
  const input = io.input === undefined ? process.stdin : io.input;
  const stopInput = input ? pumpInput(input, ring) : (ring.close(), () => undefined);
  const workerData: WorkerInput = { module, args, preopens, ring: ring.sab, stdout: io.stdout ?? 1, stderr: io.stderr ?? 2 };
  const worker = new Worker(workerPath(), { workerData });
  try {
    return await new Promise<number>((resolvePromise, reject) => {
      let result: WorkerMessage | undefined;
      worker.once('message', (m: WorkerMessage) => { result = m; });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (result === undefined) reject(new Error(`machine worker stopped unexpectedly (exit ${code})`));
        else if ('code' in result) resolvePromise(result.code);
        else reject(new Error(`machine: ${result.error}`));
      });
    });
  } finally {
    stopInput();
  }
}

/**
 * Copies `input` into the ring as it arrives, pausing while the ring is full; closes the ring at
 * EOF. Returns a function that stops reading (and lets process.stdin go).
 */
function pumpInput(input: NodeJS.ReadableStream, ring: StdinRing): () => void {
  let stopped = false;
  // The copy of a chunk that did not fit; 'end' can fire while it runs (pause() does not hold it
  // back once the source is exhausted), and closing the ring then would drop its tail.
  let copying: Promise<void> | undefined;
  const onData = (chunk: Buffer | string) => {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes = bytes.subarray(ring.write(bytes));
    if (bytes.length === 0) return;
    input.pause();
    copying = (async () => {
      while (bytes.length > 0 && !stopped) {
        await ring.waitForSpace(100);
        bytes = bytes.subarray(ring.write(bytes));
      }
      copying = undefined;
      if (!stopped) input.resume();
    })();
  };
  const onEnd = () => {
    if (copying) void copying.then(() => ring.close());
    else ring.close();
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onEnd);
  return () => {
    stopped = true;
    input.removeListener('data', onData);
    input.removeListener('end', onEnd);
    input.removeListener('error', onEnd);
    if (input === process.stdin) process.stdin.destroy();
    else input.pause();
  };
}

/** Usage errors of the command line (exit status 2). */
export class UsageError extends Error {}

const JSON_KEYS = new Set(['memory', 'bios', 'kernel', 'initrd', 'append', 'drives', 'shares', 'virtio_console', 'stdin_port', 'icount', 'quiet_firmware', 'console_gate']);

function applyConfigFile(opts: Partial<MachineOptions>, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot open config '${file}': ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}`);
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    // one line, like the native build: JSON.parse may quote the input, newlines and all
    throw new Error(at ? `config '${file}' line ${at.line} column ${at.column}: ${at.message}`
      : `config '${file}': ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw new Error(`config '${file}': expected a JSON object`);
  const c = cfg as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!JSON_KEYS.has(k)) throw new Error(`config '${file}': unknown key "${k}"`);
  const str = (k: string): string | undefined => {
    const v = c[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new Error(`config '${file}': "${k}" must be a string`);
    return v;
  };
  if (c.memory !== undefined) opts.memory = typeof c.memory === 'number' ? `${c.memory}M` : str('memory');
  for (const k of ['bios', 'kernel', 'initrd', 'append'] as const) {
    const v = str(k);
    if (v !== undefined) opts[k] = v;
  }
  if (c.drives !== undefined) {
    if (!Array.isArray(c.drives)) throw new Error(`config '${file}': "drives" must be an array`);
    opts.drives = [...(opts.drives ?? [])];
    for (const d of c.drives as unknown[]) {
      if (typeof d === 'string') opts.drives.push({ path: d });
      else if (typeof d === 'object' && d !== null && typeof (d as DriveOption).path === 'string')
        opts.drives.push({ path: (d as DriveOption).path, readonly: Boolean((d as DriveOption).readonly) });
      else throw new Error(`config '${file}': bad drive entry`);
    }
  }
  if (c.shares !== undefined) {
    if (!Array.isArray(c.shares)) throw new Error(`config '${file}': "shares" must be an array`);
    opts.shares = [...(opts.shares ?? [])];
    for (const s of c.shares as unknown[]) {
      if (typeof s === 'string') opts.shares.push(parseShare(s));
      else if (typeof s === 'object' && s !== null && typeof (s as { path?: unknown }).path === 'string' && typeof (s as { tag?: unknown }).tag === 'string') {
        const o = s as { path: string; tag: string; readonly?: unknown };
        opts.shares.push({ hostPath: o.path, tag: o.tag, readonly: Boolean(o.readonly) });
      } else throw new Error(`config '${file}': bad share entry (expected "DIR,tag=TAG[,ro]" or {"path", "tag", "readonly"})`);
    }
  }
  if (c.virtio_console !== undefined) opts.virtioConsole = Boolean(c.virtio_console);
  if (c['stdin_port'] !== undefined) opts.stdinPort = Boolean(c['stdin_port']);
  if (c.icount !== undefined) opts.icount = Boolean(c.icount);
  if (c['quiet_firmware'] !== undefined) opts.quietFirmware = Boolean(c['quiet_firmware']);
  if (c['console_gate'] !== undefined) opts.consoleGate = Boolean(c['console_gate']);
}

/** `DIR,tag=TAG[,ro]` as the native --share takes it. */
export function parseShare(spec: string): ShareOption {
  let rest = spec;
  let tag: string | undefined;
  let readonly = false;
  const ids: { uid?: number; gid?: number } = {};
  const bad = () => new UsageError(`bad share '${spec}' (expected DIR,tag=TAG[,ro][,uid=N][,gid=N])`);
  for (;;) {
    const comma = rest.lastIndexOf(',');
    if (comma < 0) break;
    const opt = rest.slice(comma + 1);
    const id = /^(uid|gid)=(.*)$/.exec(opt);
    if (opt === 'ro' || opt === 'readonly') readonly = true;
    else if (opt.startsWith('tag=')) tag = opt.slice(4);
    else if (id) {
      if (!/^\d{1,10}$/.test(id[2]!) || Number(id[2]) > 0xfffffffe) throw bad();
      ids[id[1] as 'uid' | 'gid'] = Number(id[2]);
    } else break;
    rest = rest.slice(0, comma);
  }
  if (!rest || !tag) throw bad();
  return { hostPath: rest, tag, readonly, ...ids };
}

/** Parses the same flags as the native c2w-machine (see README.md). Returns null for --help. */
export function parseArgs(argv: string[]): MachineOptions | null {
  const opts: Partial<MachineOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i] as string;
    let val: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      val = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const need = (): string => {
      if (val !== undefined) return val;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h': case '--help': return null;
      case '--config': applyConfigFile(opts, need()); break;
      case '-m': case '--memory': opts.memory = need(); break;
      case '--bios': opts.bios = need(); break;
      case '--kernel': opts.kernel = need(); break;
      case '--initrd': opts.initrd = need(); break;
      case '--append': opts.append = need(); break;
      case '--drive': {
        const v = need();
        const ro = /,(ro|readonly)$/.test(v);
        (opts.drives ??= []).push({ path: v.replace(/,(ro|readonly)$/, ''), readonly: ro });
        break;
      }
      case '--share': (opts.shares ??= []).push(parseShare(need())); break;
      case '--virtio-console': opts.virtioConsole = true; break;
      case '--stdin-port': opts.stdinPort = true; break;
      case '--icount': opts.icount = true; break;
      case '--quiet-firmware': opts.quietFirmware = true; break;
      case '--console-gate': opts.consoleGate = true; break;
      case '--stats': opts.stats = true; break;
      case '--max-insns': {
        const v = need();
        if (!/^\d+$/.test(v)) throw new UsageError(`--max-insns: invalid number '${v}'`);
        opts.maxInsns = Number(v);
        break;
      }
      default: throw new UsageError(`unknown option '${argv[i]}' (try --help)`);
    }
  }
  if (opts.bios === undefined) throw new UsageError('no firmware given: --bios FILE is required (try --help)');
  return opts as MachineOptions;
}
