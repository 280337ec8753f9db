import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { type Ext4Geometry, ext4Geometry, groupBlocks, groupMetaStart, groupOverhead, hasSuperBackup } from './ext4-geometry.js';
import {
  type Counts, type Ext4Identity, JOURNAL_INO, LOST_FOUND_INO, ROOT_INO, bitmap, dirBlock, groupDescriptors, inode,
  journalSuperblock, singleExtent, superblock,
} from './ext4-records.js';

export interface FormatOptions {
  /** Size of the disk in bytes (rounded down to whole 4 KiB blocks and useful groups). */
  bytes: number;
  /** Seconds since the epoch for every time stamp. */
  time: number;
  /** Seeds the file system UUID, so the same seed, size and time give the same bytes. */
  seed: string;
  label?: string;
  /**
   * false: skip the fsync. For a scratch disk that is removed after its run: a host crash loses
   * the run's writes anyway, so waiting for the fresh metadata to reach the platter buys nothing.
   */
  durable?: boolean;
}

/** Free blocks, free inodes and directories per group of the fresh file system. */
function counts(g: Ext4Geometry): Counts {
  const c: Counts = { freeBlocks: [], freeInodes: [], usedDirs: [] };
  for (let i = 0; i < g.groups; i++) {
    const extra = i === 0 ? 2 + g.journalBlocks : 0;
    c.freeBlocks.push(groupBlocks(g, i) - groupOverhead(g, i) - extra);
    c.freeInodes.push(g.inodesPerGroup - (i === 0 ? LOST_FOUND_INO : 0));
    c.usedDirs.push(i === 0 ? 2 : 0);
  }
  return c;
}

/**
 * Writes a fresh ext4 (journal, extents, no checksums) to `path` as a sparse file: only the
 * metadata blocks are written (about 2 blocks per 128 MiB group plus the 16-128 MiB journal's
 * first block), the rest are holes, so a 16 GiB disk costs about 1 MiB of host disk until used.
 * The image is made under a temporary name and renamed, so a failure leaves nothing at `path`.
 */
export async function formatExt4(path: string, o: FormatOptions): Promise<Ext4Geometry> {
  const g = ext4Geometry(o.bytes);
  const c = counts(g);
  const id: Ext4Identity = { uuid: createHash('sha256').update(`c2w ext4 ${o.seed}`).digest().subarray(0, 16), time: o.time, label: o.label ?? 'c2w-upper' };
  id.uuid[6] = (id.uuid[6]! & 0x0f) | 0x40; // an RFC 4122 version 4 layout, as tools expect
  id.uuid[8] = (id.uuid[8]! & 0x3f) | 0x80;
  const journalIBlock = singleExtent(g.journalStart, g.journalBlocks);
  const gdt = groupDescriptors(g, c);
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'wx');
  try {
    const at = (block: number, data: Buffer, offset = 0) => fh.write(data, 0, data.length, block * g.blockSize + offset);
    await fh.truncate(g.blocks * g.blockSize);
    for (let i = 0; i < g.groups; i++) {
      const start = i * g.blocksPerGroup;
      if (hasSuperBackup(i)) {
        // group 0's superblock sits at byte 1024 (the first KiB is left for a boot sector)
        await at(start, superblock(g, c, id, journalIBlock, i), i === 0 ? 1024 : 0);
        await at(start + 1, gdt);
      }
      const meta = groupMetaStart(g, i);
      const used = groupOverhead(g, i) + (i === 0 ? 2 + g.journalBlocks : 0);
      await at(meta, bitmap(g, used, groupBlocks(g, i)));
      await at(meta + 1, bitmap(g, i === 0 ? LOST_FOUND_INO : 0, g.inodesPerGroup));
    }
    const table = groupMetaStart(g, 0) + 2;
    const putInode = (ino: number, data: Buffer) => at(table, data, (ino - 1) * g.inodeSize);
    await putInode(ROOT_INO, inode(g, 0o040755, 3, g.rootDirBlock, 1, o.time));
    await putInode(JOURNAL_INO, inode(g, 0o100600, 1, g.journalStart, g.journalBlocks, o.time));
    await putInode(LOST_FOUND_INO, inode(g, 0o040700, 2, g.lostFoundBlock, 1, o.time));
    await at(g.rootDirBlock, dirBlock(g, [[ROOT_INO, '.'], [ROOT_INO, '..'], [LOST_FOUND_INO, 'lost+found']]));
    await at(g.lostFoundBlock, dirBlock(g, [[LOST_FOUND_INO, '.'], [ROOT_INO, '..']]));
    await at(g.journalStart, journalSuperblock(g, id.uuid));
    if (o.durable !== false) await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  return g;
}
