import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeRunChannel } from '@c2w/emu-build';
import { trackTemporary } from '@c2w/streams';
import { UsageError } from '@c2w/errors';
import type { TerminalSize } from '@c2w/machine';
import { MAX_MOUNTS, parseMounts } from './mounts.js';
import { parsePublish } from './publish.js';
import { readBundle } from './read-bundle.js';
import { isSingleFile, singleFileArgs } from './run-single-file.js';
import { runRequest } from './run-request.js';
import { runSplitSet, splitSetDir } from './run-split.js';
import { parseByteSize } from '../wlayer/byte-size.js';
import { checkHostMemory } from '../wlayer/host-space.js';
import { bundleImage } from '../wlayer/bundle-image.js';
import { stateDirOf } from '../wlayer/state-paths.js';
import { openWritableLayer } from '../wlayer/writable-layer.js';

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
  /**
   * Where the container's stdin comes from: `tty` (default) = the guest console, for a person at a
   * terminal; `pipe` = a channel that ends when the input ends (for piped or redirected input, as
   * Docker without -t). Bundles whose pack cannot do `pipe` (boot.stdinPort false) fall back to tty.
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
  if (o.tty && (split !== undefined || await isSingleFile(o.bundleDir)))
    throw new UsageError('-t/--tty: a single .wasm has no terminal size channel yet; run the bundle directory (c2w convert IMAGE DIR)');
  if (net && (split !== undefined || await isSingleFile(o.bundleDir)))
    throw new UsageError('--net/-p: a single .wasm has no network (WASI preview1 has no sockets); run the bundle directory (c2w convert IMAGE DIR)');
  if (split !== undefined) {
    const { args, preopens } = await singleFileArgs(o);
    await loadMachine(); // for its warning filter: node:wasi's notice would land on the container's stderr
    return runSplitSet(split, args, preopens);
  }
  if (await isSingleFile(o.bundleDir)) {
    const { args, preopens } = await singleFileArgs(o);
    const { runWithArgs } = await loadMachine();
    return runWithArgs(args, preopens, { wasmPath: o.bundleDir });
  }
  const mounts = await parseMounts(o.mounts ?? []);
  // the network takes one of the virtio slots the mounts share
  if (net && mounts.length > MAX_MOUNTS - 1) throw new UsageError(`--mount: at most ${MAX_MOUNTS - 1} host directories with --net (the machine has eight virtio slots)`);
  const b = await readBundle(o.bundleDir);
  if (o.tty && !b.bundle.boot.tty) throw new UsageError(`-t/--tty: the bundle ${o.bundleDir} was made by a c2w whose guest init has no terminal support; convert the image again`);
  const time = Math.floor(Date.now() / 1000);
  const { manifest, ids, port } = runRequest(b, { ...o, net, tty: o.tty?.size() }, mounts, time);
  const memory = o.memory ?? b.bundle.machine.memory;
  checkHostMemory(parseByteSize(memory, '--memory'), '--memory');
  const stateDir = stateDirOf({ name: o.name, stateDir: o.state });
  const diskBytes = o.diskSize === undefined ? undefined : parseByteSize(o.diskSize, '--disk-size');
  const layer = await openWritableLayer({ stateDir, diskBytes, image: bundleImage(b), bundle: resolve(b.dir), time });
  manifest.upper = layer.uuid;
  const scratch = await mkdtemp(join(tmpdir(), 'c2w-run-')).catch(async (err: unknown) => { await layer.release(); throw err; });
  const forget = trackTemporary(scratch);
  try {
    const channel = join(scratch, 'channel.tar');
    const out = createWriteStream(channel);
    await writeRunChannel(manifest, out);
    await finished(out);
    const { runMachine } = await loadMachine();
    const append = b.bundle.boot.append + (o.debug ? ' c2w.debug=1 loglevel=7' : '');
    const { arch } = b.bundle.machine;
    const firmware = b.bundle.boot.firmware;
    return await runMachine({
      wasmPath: b.path(b.bundle.machine.wasm),
      // riscv64 is the machine's default: its config stays as it always was
      ...(arch !== 'riscv64' ? { arch } : {}),
      memory,
      ...(firmware !== undefined ? { bios: b.path(firmware) } : {}),
      kernel: b.path(b.bundle.boot.kernel),
      append,
      drives: [...b.bundle.disks.map((d) => ({ path: b.path(d.file), readonly: d.readonly })), { path: channel, readonly: true }, { path: layer.path, readonly: false }],
      // files in a mount belong to the container's user, who can then write there (ADR 0009)
      shares: mounts.map((m) => ({ hostPath: m.hostPath, tag: m.tag, readonly: m.readonly, ...ids })),
      quietFirmware: !o.debug,
      consoleGate: b.bundle.boot.consoleGate,
      ...(port ? { stdinPort: true } : {}),
      ...(o.tty ? { winsize: o.tty } : {}),
      ...(o.stats ? { stats: true } : {}),
      ...(net ? { net: { forwards, ...(o.dns?.length ? { dnsServers: o.dns } : {}) } } : {}),
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
    forget();
    await layer.release();
  }
}

/**
 * node:wasi prints an ExperimentalWarning when first loaded; the container owns our stderr, so that
 * one warning is dropped. Loaded lazily so the other commands never pay for it.
 */
export async function loadMachine(): Promise<typeof import('@c2w/machine')> {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('WASI is an experimental feature')) return;
    (emit as (...a: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
  return import('@c2w/machine');
}
