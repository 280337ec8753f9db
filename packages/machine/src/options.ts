// The machine's options as the Node host takes them, and the command line that sets them: the same
// flags as the native c2w-machine (README.md), so both builds are driven the same way.
import { UsageError } from '@c2w/errors';
import { applyConfigFile } from './config-file.js';
import { parseShare, type ShareOption } from './share-option.js';
import type { NetOptions } from './net-host.js';
import type { Winsize } from './winsize-cell.js';

export { parseShare, type ShareOption };

export interface DriveOption {
  path: string;
  readonly?: boolean;
  /**
   * Nothing of the disk outlives the run (a scratch writable layer): the drive offers the guest no
   * FLUSH, so the host never fsyncs it (QEMU's cache=unsafe, docs/decisions/0057).
   */
  volatile?: boolean;
}

/** `FILE[,ro|,readonly][,volatile]` as the native --drive takes it: the options, in any order, end the spec. */
export function parseDrive(spec: string): DriveOption {
  let path = spec, readonly = false, vol = false;
  for (let m; (m = /,(ro|readonly|volatile)$/.exec(path)) !== null; path = path.slice(0, m.index)) {
    if (m[1] === 'volatile') vol = true;
    else readonly = true;
  }
  return { path, readonly, ...(vol ? { volatile: true } : {}) };
}

/** The machine's boards: RV64 `virt` (with firmware) or the x86-64 microvm-like board (PVH kernel, no firmware). */
export const ARCHES = ['riscv64', 'x86_64'] as const;
export type MachineArch = (typeof ARCHES)[number];

/** Narrows a config or flag value to a board name, or undefined when it names none. */
export function asArch(v: unknown): MachineArch | undefined {
  return ARCHES.find((a) => a === v);
}

export interface MachineOptions {
  /** Which board runs (default riscv64); x86_64 boots `kernel` (a PVH vmlinux) with no `bios`. */
  arch?: MachineArch;
  /** Guest RAM, e.g. "256M" (default 256M). */
  memory?: string;
  /** Firmware: required on riscv64, refused on x86_64. */
  bios?: string;
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
  /**
   * A virtio-net on a user-mode network in this process (docs/decisions/0030): the guest reaches
   * the host's network through its sockets; `forwards` publish guest TCP ports on 127.0.0.1.
   */
  net?: NetOptions;
  /**
   * A terminal whose size the guest follows (c2w run -t): a virtio-console port "c2w.winsize"
   * carries `size()` at start and again after every `onResize` call (docs/decisions/0036).
   */
  winsize?: TerminalSize;
  icount?: boolean;
  /** Translate hot guest blocks to wasm at run time (riscv64, Node host; docs/decisions/0040). */
  jit?: boolean;
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

/** Where a terminal's size comes from: its size now, and a subscription to its changes. */
export interface TerminalSize {
  size(): Winsize;
  /** Calls `listener` after each change; returns the unsubscribe. */
  onResize(listener: () => void): () => void;
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
      case '--arch': {
        const v = need();
        opts.arch = asArch(v);
        if (opts.arch === undefined) throw new UsageError(`--arch: unknown arch '${v}' (expected riscv64 or x86_64)`);
        break;
      }
      case '-m': case '--memory': opts.memory = need(); break;
      case '--bios': opts.bios = need(); break;
      case '--kernel': opts.kernel = need(); break;
      case '--initrd': opts.initrd = need(); break;
      case '--append': opts.append = need(); break;
      case '--drive': (opts.drives ??= []).push(parseDrive(need())); break;
      case '--share': (opts.shares ??= []).push(parseShare(need())); break;
      case '--virtio-console': opts.virtioConsole = true; break;
      case '--stdin-port': opts.stdinPort = true; break;
      case '--net': opts.net = {}; break;
      case '--icount': opts.icount = true; break;
      case '--jit': opts.jit = true; break;
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
  if (opts.arch === 'x86_64') {
    if (opts.bios !== undefined) throw new UsageError('--bios: the x86_64 board takes no firmware (it boots --kernel through its PVH note)');
    if (opts.kernel === undefined) throw new UsageError('no kernel given: --arch x86_64 needs --kernel FILE (a PVH vmlinux) (try --help)');
  } else if (opts.bios === undefined) throw new UsageError('no firmware given: --bios FILE is required (try --help)');
  return opts as MachineOptions;
}
