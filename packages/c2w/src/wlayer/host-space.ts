import { statfs } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { EnvironmentError } from '@c2w/errors';
import type { Ext4Geometry } from './ext4-geometry.js';

const MiB = 2 ** 20;
/** Room beyond the fresh file system's metadata for the container to write anything at all. */
const MARGIN = 256 * MiB;

/** Host bytes a fresh disk needs at once: its metadata (two bitmaps a group, the journal) and the margin. */
export function bytesNeeded(g: Ext4Geometry): number {
  return (g.groups * 2 + 4 + g.journalBlocks) * g.blockSize + MARGIN;
}

/**
 * Refuses to make a disk where the host cannot hold even its metadata plus a margin. The disk is
 * sparse, so a 16 GiB disk on a host with 5 GiB free is allowed; the guest sees I/O errors only
 * if it really writes past what the host has (docs/decisions/0032).
 */
export async function checkHostSpace(dir: string, g: Ext4Geometry): Promise<void> {
  const st = await statfs(dir);
  const free = Number(st.bavail) * Number(st.bsize);
  if (free < bytesNeeded(g))
    throw new EnvironmentError(`not enough host disk for the writable layer in ${dir}: ${Math.floor(free / MiB)} MiB free, expected at least ${Math.ceil(bytesNeeded(g) / MiB)} MiB`);
}

/** Guest RAM the host does not have at all fails here, in one line, not as a worker's allocation failure. */
export function checkHostMemory(bytes: number, flag: string, total = totalmem()): void {
  if (bytes > total) throw new EnvironmentError(`${flag}: the host has ${Math.floor(total / MiB)} MiB of memory, cannot give the guest ${Math.floor(bytes / MiB)} MiB`);
}
