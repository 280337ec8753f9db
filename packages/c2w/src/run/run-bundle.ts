import type { TerminalSize } from '@c2w/machine';
import { UsageError } from '@c2w/errors';
import { loadMachine } from './load-machine.js';
import { parsePublish } from './publish.js';
import { isSingleFile, singleFileArgs } from './run-single-file.js';
import { splitSetDir } from './split-set-dir.js';

export interface RunOptions {
  bundleDir: string;
  /** Replaces the image's Entrypoint (Docker's --entrypoint: one program, Cmd cleared unless args). */
  entrypoint?: string | undefined;
  /** Replaces the image's Cmd. */
  args?: string[] | undefined;
  env?: string[];
  workdir?: string | undefined;
  user?: string | undefined;
  /** `HOST_DIR:GUEST_PATH[:ro]` host directories for the container (virtio-9p shares). */
  mounts?: string[];
  /** A network (docs/decisions/0030): the host's, through a user-mode network in this process. */
  net?: boolean;
  /** `HOST_PORT:CONTAINER_PORT[/tcp]` ports published on 127.0.0.1 (need `net`). */
  publish?: string[];
  /** DNS servers the network's resolver asks instead of the host's getaddrinfo. */
  dns?: string[];
  /** Guest RAM override, e.g. "512M". */
  memory?: string | undefined;
  /** Kernel and init messages on the console (`c2w.debug=1`). */
  debug?: boolean;
  stats?: boolean;
  /** docker run --init: c2w-pid1 is the container's PID 1 whatever the image (ADR 0065). */
  init?: boolean | undefined;
  /**
   * Where the container's stdin comes from: `tty` (default) = the guest console (c2w run -t, and
   * hosts that cannot see an end); `pipe` = a channel that ends when the input ends (c2w run
   * without -t, terminal or not, as Docker's -i). Bundles whose pack cannot do `pipe`
   * (boot.stdinPort false) fall back to tty.
   */
  stdin?: 'tty' | 'pipe';
  /**
   * c2w run -t: the container gets a pty (runc's process.terminal) whose size follows this
   * terminal's through the machine's c2w.winsize port (docs/decisions/0036). The caller puts the
   * host terminal in raw mode: the pty echoes and edits.
   */
  tty?: TerminalSize | undefined;
  /** Size of the writable layer's sparse disk, e.g. "16G" (default 16G; a state keeps its own). */
  diskSize?: string | undefined;
  /** Keep the writable layer between runs as a named state (under the state home) or in a directory. */
  name?: string | undefined;
  state?: string | undefined;
  /** Hears each step on the way to the container (C2W_TRACE_STARTUP). */
  onPhase?: ((phase: string) => void) | undefined;
}

/**
 * Boots a bundle on Node's WASI and runs its container once; resolves to the container's exit
 * status. Runtime overrides travel as a tar on an extra read-only disk (the run channel), which has
 * no size limit, unlike container2wasm's 1024-byte argument buffer.
 */
export async function runBundle(o: RunOptions): Promise<number> {
  const forwards = (o.publish ?? []).map(parsePublish);
  const net = Boolean(o.net) || forwards.length > 0;
  const split = await splitSetDir(o.bundleDir);
  const single = split === undefined && await isSingleFile(o.bundleDir);
  if (o.tty && (split !== undefined || single))
    throw new UsageError('-t/--tty: a single .wasm has no terminal size channel yet; run the bundle directory (c2w convert IMAGE DIR)');
  if (net && (split !== undefined || single))
    throw new UsageError('--net/-p: a single .wasm has no network (WASI preview1 has no sockets); run the bundle directory (c2w convert IMAGE DIR)');
  if (split !== undefined) {
    const { args, preopens } = await singleFileArgs(o);
    await loadMachine(); // for its warning filter: node:wasi's notice would land on the container's stderr
    const { runSplitSet } = await import('./run-split.js');
    return runSplitSet(split, args, preopens);
  }
  // the worker boots while the rest is prepared: out.wasm's compile, or the bundle's checks and disks
  const machine = await loadMachine();
  const start = machine.startMachine(o.onPhase);
  try {
    if (single) {
      void machine.compileMachine(o.bundleDir, o.onPhase).catch(() => undefined); // awaited by runWithArgs
      const { args, preopens } = await singleFileArgs(o);
      return await machine.runWithArgs(args, preopens, { wasmPath: o.bundleDir, start });
    }
    // only the bundle form needs the bundle's schemas, the run channel and the writable layer
    const { runBundleDir } = await import('./run-bundle-dir.js');
    return await runBundleDir(o, { net, forwards }, machine, start);
  } finally {
    start.cancel(); // a no-op after a run: its worker has ended
  }
}
