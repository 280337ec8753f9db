import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerState } from '@c2w/artifacts';
import { EnvironmentError, InputError, UsageError } from '@c2w/errors';
import { ext4Geometry } from './ext4-geometry.js';
import { formatExt4 } from './format-ext4.js';
import { checkHostSpace } from './host-space.js';
import { lockState, processAlive } from './state-lock.js';
import { readStateRecord, writeStateRecord } from './state-record.js';
import { stateHome } from './state-paths.js';

export const DEFAULT_DISK_BYTES = 16 * 2 ** 30;

export interface WritableLayerOptions {
  /** A persistent state's directory; undefined = a scratch disk removed after the run. */
  stateDir?: string | undefined;
  /** Requested disk size (bytes); undefined = the state's, or the default for a new disk. */
  diskBytes?: number | undefined;
  /** The bundle's lower layers, recorded in a new state and checked against an old one. */
  image: ContainerState['image'];
  /** The bundle directory (absolute), recorded for `c2w commit`. */
  bundle: string;
  /** Seconds since the epoch for the new file system's time stamps. */
  time: number;
  env?: NodeJS.ProcessEnv;
}

export interface WritableLayer {
  /** The disk image to attach as a writable virtio disk. */
  path: string;
  /** Its ext4 UUID as 32 hex digits (the run channel's `upper`). */
  uuid: string;
  /** A scratch disk, removed by release: formatted without fsync (nothing of it outlives the run). */
  volatile: boolean;
  release(): Promise<void>;
}

/** The UUID in an ext4 superblock (bytes 1128..1143 of the disk). */
export async function readExt4Uuid(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(1024);
    await fh.read(b, 0, 1024, 1024);
    if (b.readUInt16LE(56) !== 0xef53) throw new InputError(`${path} is not an ext4 file system (no superblock magic at byte 1080)`);
    return b.subarray(104, 120).toString('hex');
  } finally {
    await fh.close();
  }
}

/** A state (or scratch disk) from another image would show the container a mix of two roots. */
function sameImage(a: ContainerState['image'], b: ContainerState['image']): boolean {
  return a.rootDisks.length === b.rootDisks.length && a.rootDisks.every((d, i) => d === b.rootDisks[i]);
}

/** Persistent: lock the state, create it on first use, refuse another image's. */
/** A directory we cannot make is the environment's fault (exit 3), named with the way out. */
async function makeDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new EnvironmentError(`cannot create ${dir} for the writable layer: ${err.code ?? err.message} (set C2W_STATE_HOME or --state)`, { cause: err });
  });
}

async function openState(dir: string, o: WritableLayerOptions): Promise<WritableLayer> {
  await makeDir(dir);
  const release = await lockState(dir, `state ${dir}`);
  try {
    const path = join(dir, 'upper.ext4');
    const record = await readStateRecord(dir);
    if (record) {
      if (!sameImage(record.image, o.image))
        throw new InputError(`state ${dir} belongs to another image (root disk ${record.image.rootDisks[0]}, this bundle's is ${o.image.rootDisks[0]}); use another --name or c2w commit it`);
      if (o.diskBytes !== undefined && o.diskBytes !== record.disk.bytes)
        throw new UsageError(`--disk-size: state ${dir} has a ${record.disk.bytes}-byte disk; a state's size is fixed when it is created`);
      if (!(await stat(path).catch(() => undefined))?.isFile()) throw new InputError(`state ${dir} is damaged: its disk upper.ext4 is missing`);
      if (record.bundle !== o.bundle) await writeStateRecord(dir, { ...record, bundle: o.bundle });
    } else {
      const bytes = o.diskBytes ?? DEFAULT_DISK_BYTES;
      await checkHostSpace(dir, ext4Geometry(bytes));
      await rm(path, { force: true }); // a disk without a record is from a creation that did not finish
      await formatExt4(path, { bytes, time: o.time, seed: `state ${dir} ${o.time}` });
      await writeStateRecord(dir, { schemaVersion: 1, image: o.image, disk: { file: 'upper.ext4', bytes }, bundle: o.bundle });
    }
    return { path, uuid: await readExt4Uuid(path), volatile: false, release };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Scratch disks of runs that were killed (their process is gone) are removed by the next run. */
async function sweepScratch(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) await rm(join(dir, name), { force: true });
  }
}

/**
 * The disk for a run's writable layer: a named state's (kept) or a fresh scratch disk (removed by
 * release). Scratch disks live under the state home, not $TMPDIR, which is often a tmpfs: the
 * point is that the layer's writes land on a real disk, not in RAM.
 */
export async function openWritableLayer(o: WritableLayerOptions): Promise<WritableLayer> {
  if (o.stateDir !== undefined) return openState(o.stateDir, o);
  const dir = join(stateHome(o.env), 'scratch');
  await makeDir(dir);
  await sweepScratch(dir);
  const bytes = o.diskBytes ?? DEFAULT_DISK_BYTES;
  await checkHostSpace(dir, ext4Geometry(bytes));
  const path = join(dir, `run-${process.pid}-${randomBytes(4).toString('hex')}.ext4`);
  await formatExt4(path, { bytes, time: o.time, seed: path, durable: false });
  return { path, uuid: await readExt4Uuid(path), volatile: true, release: () => rm(path, { force: true }) };
}
