import { createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { writeRunChannel } from '@c2w/emu-build';
import { C2wError } from '@c2w/errors';
import type { LoadedBundle } from '../run/read-bundle.js';
import { runRequest } from '../run/run-request.js';

/** The first bytes of the output disk, by which the guest tells it from the others. */
export const COMMIT_MARKER = 'c2w-commit-out';

export interface DumpOptions {
  bundle: LoadedBundle;
  /** The state's ext4 disk (the writable layer) and its UUID. */
  upper: { path: string; uuid: string };
  /** Where the guest writes the xattr records and the tar (a sparse file sized to hold them). */
  out: string;
  scratch: string;
  debug?: boolean;
}

/**
 * Boots the bundle once in commit mode: c2w-init mounts the overlay as for a run and writes the
 * merged root (lower + upper, whiteouts applied by overlayfs itself) onto the output disk: the
 * xattr records of c2w-xattrs, then busybox tar's stream (xattr-records.ts reads both). The
 * console goes to our stderr: commit's stdout carries nothing.
 */
export async function dumpMergedRoot(o: DumpOptions, loadMachine: () => Promise<typeof import('@c2w/machine')>): Promise<void> {
  const b = o.bundle;
  const lower = (await Promise.all(b.bundle.disks.map((d) => stat(b.path(d.file))))).reduce((n, s) => n + s.size, 0);
  const used = (await stat(o.upper.path)).blocks * 512;
  // tar costs at most a header and a partial block per file, which the ISO (2 KiB records) and ext4
  // (4 KiB blocks) already pay; sparse, so the margin costs nothing
  const fh = await open(o.out, 'wx');
  try {
    await fh.truncate(lower + used + 256 * 2 ** 20);
    await fh.write(Buffer.from(COMMIT_MARKER), 0, COMMIT_MARKER.length, 0);
  } finally {
    await fh.close();
  }
  const { manifest } = runRequest(b, {}, [], 0);
  const channel = join(o.scratch, 'channel.tar');
  const ws = createWriteStream(channel);
  await writeRunChannel({ ...manifest, upper: o.upper.uuid, commit: true }, ws);
  await finished(ws);
  const { runMachine } = await loadMachine();
  const status = await runMachine({
    wasmPath: b.path(b.bundle.machine.wasm),
    // riscv64 is the machine's default; x86_64 boots its kernel with no firmware
    ...(b.bundle.machine.arch !== 'riscv64' ? { arch: b.bundle.machine.arch } : {}),
    memory: b.bundle.machine.memory,
    ...(b.bundle.boot.firmware !== undefined ? { bios: b.path(b.bundle.boot.firmware) } : {}),
    kernel: b.path(b.bundle.boot.kernel),
    append: b.bundle.boot.append + (o.debug ? ' c2w.debug=1 loglevel=7' : ''),
    drives: [
      ...b.bundle.disks.map((d) => ({ path: b.path(d.file), readonly: d.readonly })),
      { path: channel, readonly: true }, { path: o.upper.path, readonly: false }, { path: o.out, readonly: false },
    ],
    quietFirmware: !o.debug,
    consoleGate: b.bundle.boot.consoleGate,
    input: null,
    stdout: 2,
  });
  if (status !== 0) throw new C2wError('runtime', `the guest could not write the container's root (c2w-init exit status ${status}; --guest-debug shows why)`);
}
