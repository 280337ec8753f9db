import { containerInit, emulatorEnv, runtimeConfig } from '@c2w/emu-build/runtime-config';
import type { RunManifest } from '@c2w/artifacts';
import { UsageError } from '@c2w/errors';
import { resolveUserIds } from '../convert/user-db.js';
import type { HostMount } from './mounts.js';
import type { LoadedBundle } from './read-bundle.js';

/** What a run asks of the container, as Docker takes it (the part c2w run and c2w serve share). */
export interface RunRequestOptions {
  entrypoint?: string | undefined;
  /** Replaces the image's Cmd (when not empty). */
  args?: string[] | undefined;
  env?: string[];
  workdir?: string | undefined;
  user?: string | undefined;
  /** Where the container's stdin comes from; bundles without boot.stdinPort always get the console. */
  stdin?: 'tty' | 'pipe';
  /** The machine has a network (c2w run --net): the init configures eth0 and resolv.conf. */
  net?: boolean;
  /** c2w run -t: the container gets a pty of this initial size (the bundle must have boot.tty). */
  tty?: { rows: number; cols: number } | undefined;
  /**
   * docker run --init: the guest's PID 1 program (c2w-pid1) starts the command for any image; an
   * image that runs through qemu-user always has it (docs/decisions/0065).
   */
  init?: boolean | undefined;
}

/**
 * The run channel's manifest for one run (time: host seconds since the epoch) and the ids the
 * container runs as. One function for every host, so a page and `c2w run` write the same bytes.
 */
export function runRequest(b: LoadedBundle, o: RunRequestOptions, mounts: readonly HostMount[], time: number): { manifest: RunManifest; ids: { uid: number; gid: number }; port: boolean } {
  const ids = resolveUserIds(o.user ?? b.imageConfig.config?.User ?? '', { users: b.bundle.image.users, groups: b.bundle.image.groups });
  const config = runtimeConfig(b.imageConfig, {
    ...(o.entrypoint !== undefined ? { entrypoint: [o.entrypoint] } : {}),
    ...(o.args !== undefined && o.args.length > 0 ? { args: o.args } : {}),
    env: o.env ?? [],
    defaults: emulatorEnv(b.bundle.machine.arch, b.bundle.image.architecture),
    ...(o.workdir !== undefined ? { workdir: o.workdir } : {}),
    user: `${ids.uid}:${ids.gid}`,
    mounts: [...mounts],
    init: o.init ? forcedInit(b) : containerInit(b.bundle.machine.arch, b.bundle.image.architecture, b.bundle.boot.containerInit),
  });
  // an older init would start runc with a terminal but never give it a size channel
  const tty = b.bundle.boot.tty ? o.tty : undefined;
  // runc allocates the pty at this size before the process starts, so its first `stty size` is right
  if (tty) config.process = { ...config.process, terminal: true, consoleSize: { height: tty.rows, width: tty.cols } };
  const port = o.stdin === 'pipe' && b.bundle.boot.stdinPort;
  const manifest: RunManifest = {
    schemaVersion: 1, arch: b.bundle.image.architecture, time,
    mounts: mounts.map((m) => ({ tag: m.tag, destination: m.destination, readonly: m.readonly })),
    ...(b.bundle.boot.stdinPort ? { stdin: port ? 'port' as const : 'tty' as const } : {}),
    ...(tty ? { tty: { rows: tty.rows, cols: tty.cols } } : {}),
    ...(o.net ? { net: true } : {}), config,
  };
  return { manifest, ids, port };
}

function forcedInit(b: LoadedBundle): string {
  if (b.bundle.boot.containerInit === undefined) throw new UsageError(`--init: the bundle ${b.dir} was made by a c2w whose guest has no init program; convert the image again`);
  return b.bundle.boot.containerInit;
}
