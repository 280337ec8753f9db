import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeRunChannel } from '@c2w/emu-build/run-channel';
import { trackTemporary } from '@c2w/streams/atomic-output';
import { UsageError } from '@c2w/errors';
import type { MachineStart, NetOptions } from '@c2w/machine';
import { MAX_MOUNTS, parseMounts, type HostMount } from './mounts.js';
import { readBundle, type LoadedBundle } from './read-bundle.js';
import type { RunOptions } from './run-bundle.js';
import { runRequest } from './run-request.js';
import { parseByteSize } from '../wlayer/byte-size.js';
import { checkHostMemory } from '../wlayer/host-space.js';
import { bundleImage } from '../wlayer/bundle-image.js';
import { stateDirOf } from '../wlayer/state-paths.js';
import { openWritableLayer } from '../wlayer/writable-layer.js';

type Forwards = NonNullable<NetOptions['forwards']>;

/**
 * The bundle directory form of runBundle, with the machine's worker already booting: machine.wasm
 * starts compiling as soon as bundle.json names it, and overlaps the rest: the checks, the writable
 * layer's disk and the run channel.
 */
export async function runBundleDir(o: RunOptions, { net, forwards }: { net: boolean; forwards: Forwards }, machine: typeof import('@c2w/machine'), start: MachineStart): Promise<number> {
  const mounts = await parseMounts(o.mounts ?? []);
  // the network takes one of the virtio slots the mounts share
  if (net && mounts.length > MAX_MOUNTS - 1) throw new UsageError(`--mount: at most ${MAX_MOUNTS - 1} host directories with --net (the machine has eight virtio slots)`);
  const b = await readBundle(o.bundleDir);
  o.onPhase?.('bundle read');
  void machine.compileMachine(b.path(b.bundle.machine.wasm), o.onPhase).catch(() => undefined); // awaited by runMachine
  return runPrepared(o, b, { net, forwards, mounts }, start, machine.runMachine);
}

/** The bundle form once the machine is on its way: the checks, the writable layer, the channel, the run. */
async function runPrepared(
  o: RunOptions, b: LoadedBundle, n: { net: boolean; forwards: Forwards; mounts: HostMount[] },
  start: MachineStart, runMachine: typeof import('@c2w/machine').runMachine,
): Promise<number> {
  const { net, forwards, mounts } = n;
  if (o.tty && !b.bundle.boot.tty) throw new UsageError(`-t/--tty: the bundle ${o.bundleDir} was made by a c2w whose guest init has no terminal support; convert the image again`);
  const time = Math.floor(Date.now() / 1000);
  const { manifest, ids, port } = runRequest(b, { ...o, net, tty: o.tty?.size() }, mounts, time);
  const memory = o.memory ?? b.bundle.machine.memory;
  checkHostMemory(parseByteSize(memory, '--memory'), '--memory');
  const stateDir = stateDirOf({ name: o.name, stateDir: o.state });
  const diskBytes = o.diskSize === undefined ? undefined : parseByteSize(o.diskSize, '--disk-size');
  const layer = await openWritableLayer({ stateDir, diskBytes, image: bundleImage(b), bundle: resolve(b.dir), time });
  o.onPhase?.('writable layer ready');
  manifest.upper = layer.uuid;
  const scratch = await mkdtemp(join(tmpdir(), 'c2w-run-')).catch(async (err: unknown) => { await layer.release(); throw err; });
  const forget = trackTemporary(scratch);
  try {
    const channel = join(scratch, 'channel.tar');
    const out = createWriteStream(channel);
    await writeRunChannel(manifest, out);
    await finished(out);
    o.onPhase?.('run channel written');
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
      // a scratch layer is removed after the run: its flushes would only wait for the host's disk (ADR 0057)
      drives: [...b.bundle.disks.map((d) => ({ path: b.path(d.file), readonly: d.readonly })), { path: channel, readonly: true },
        { path: layer.path, readonly: false, ...(layer.volatile ? { volatile: true } : {}) }],
      // files in a mount belong to the container's user, who can then write there (ADR 0009)
      shares: mounts.map((m) => ({ hostPath: m.hostPath, tag: m.tag, readonly: m.readonly, ...ids })),
      quietFirmware: !o.debug,
      consoleGate: b.bundle.boot.consoleGate,
      ...(port ? { stdinPort: true } : {}),
      ...(o.tty ? { winsize: o.tty } : {}),
      ...(o.stats ? { stats: true } : {}),
      ...(net ? { net: { forwards, ...(o.dns?.length ? { dnsServers: o.dns } : {}) } } : {}),
    }, { start });
  } finally {
    await rm(scratch, { recursive: true, force: true });
    forget();
    await layer.release();
  }
}
