// The wasm module sees only preopened directories: every file the machine needs (firmware,
// kernel, initrd, drives) is reached through a preopen /c2w/N of its host directory, and the
// command line is rewritten to those guest paths.
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@c2w/errors';
import type { MachineOptions } from './options.js';
import { NET_CHANNEL_DIR, NET_CHANNEL_NAME } from './wasi-net.js';
import { WINSIZE_CHANNEL_DIR, WINSIZE_CHANNEL_NAME } from './wasi-winsize.js';

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
  if (opts.arch !== undefined) args.push('--arch', opts.arch);
  if (opts.memory !== undefined) args.push('--memory', opts.memory);
  if (opts.bios !== undefined) args.push('--bios', p.map(opts.bios));
  if (opts.kernel !== undefined) args.push('--kernel', p.map(opts.kernel));
  if (opts.initrd !== undefined) args.push('--initrd', p.map(opts.initrd));
  if (opts.append !== undefined) args.push('--append', opts.append);
  for (const d of opts.drives ?? []) args.push('--drive', p.map(d.path) + (d.readonly ? ',ro' : '') + (d.volatile ? ',volatile' : ''));
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
  if (opts.net) {
    // the channel is answered by the host (wasi-net.ts); the preopen only lets wasi-libc resolve
    // the path, and is this package's own code directory, which holds no file of that name
    p.dirs[NET_CHANNEL_DIR] = dirname(fileURLToPath(import.meta.url));
    args.push('--net', `${NET_CHANNEL_DIR}/${NET_CHANNEL_NAME}`);
  }
  if (opts.winsize) {
    // answered by the host (wasi-winsize.ts), like the network's channel
    p.dirs[WINSIZE_CHANNEL_DIR] = dirname(fileURLToPath(import.meta.url));
    args.push('--winsize', `${WINSIZE_CHANNEL_DIR}/${WINSIZE_CHANNEL_NAME}`);
  }
  if (opts.icount) args.push('--icount');
  if (opts.jit) args.push('--jit');
  if (opts.quietFirmware) args.push('--quiet-firmware');
  if (opts.consoleGate) args.push('--console-gate');
  if (opts.stats) args.push('--stats');
  if (opts.maxInsns !== undefined) args.push('--max-insns', String(opts.maxInsns));
  return { args, preopens: p.dirs };
}
