import { UsageError } from '@c2w/errors';

/** Where every metadata block of a fresh ext4 goes (4 KiB blocks, no flex_bg, no 64bit: one group's metadata lives in the group). */
export interface Ext4Geometry {
  blockSize: number;
  blocks: number;
  blocksPerGroup: number;
  groups: number;
  inodesPerGroup: number;
  inodeSize: number;
  /** Blocks of the group descriptor table (and of each backup). */
  gdtBlocks: number;
  inodeTableBlocks: number;
  journalBlocks: number;
  /** First block of group 0 after its bitmaps and inode table: root dir, lost+found, then the journal. */
  rootDirBlock: number;
  lostFoundBlock: number;
  journalStart: number;
}

export const BLOCK = 4096;
const BLOCKS_PER_GROUP = BLOCK * 8;
const INODE_SIZE = 256;
const BYTES_PER_INODE = 16384;
/** 32 MiB: room for the journal and group 0's metadata. */
export const MIN_DISK_BYTES = 32 * 1024 * 1024;
/** Without the 64bit feature block numbers are 32 bits. */
export const MAX_DISK_BYTES = (2 ** 32 - 1) * BLOCK;

/** sparse_super: groups 0, 1 and powers of 3, 5 and 7 carry a superblock and GDT backup. */
export function hasSuperBackup(group: number): boolean {
  if (group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}

/** Blocks a group spends on metadata before any data (group 0 adds its directories and the journal). */
export function groupOverhead(g: Ext4Geometry, group: number): number {
  return (hasSuperBackup(group) ? 1 + g.gdtBlocks : 0) + 2 + g.inodeTableBlocks;
}

/** The first block of group `group`'s own metadata (bitmaps, then inode table). */
export function groupMetaStart(g: Ext4Geometry, group: number): number {
  return group * g.blocksPerGroup + (hasSuperBackup(group) ? 1 + g.gdtBlocks : 0);
}

export function groupBlocks(g: Ext4Geometry, group: number): number {
  return Math.min(g.blocksPerGroup, g.blocks - group * g.blocksPerGroup);
}

/** The journal as mke2fs sizes it, capped at 64 MiB so it fits one group as one extent (16 or 64 MiB). */
function journalBlocksFor(blocks: number): number {
  return blocks < 256 * 1024 ? 4096 : 16384;
}

/** Lays out a file system of at most `bytes` (rounded down to whole blocks and whole useful groups). */
export function ext4Geometry(bytes: number): Ext4Geometry {
  if (!Number.isSafeInteger(bytes) || bytes < MIN_DISK_BYTES || bytes > MAX_DISK_BYTES)
    throw new UsageError(`--disk-size ${bytes}: expected between ${MIN_DISK_BYTES / 2 ** 20} MiB and 16 TiB`);
  let blocks = Math.floor(bytes / BLOCK);
  let groups = Math.ceil(blocks / BLOCKS_PER_GROUP);
  const gdtBlocks = Math.ceil((groups * 32) / BLOCK);
  const inodesPerGroup = Math.min(BLOCK * 8, Math.ceil((blocks * BLOCK) / BYTES_PER_INODE / groups / 16) * 16);
  const inodeTableBlocks = (inodesPerGroup * INODE_SIZE) / BLOCK;
  // A last group too small for its own metadata is dropped, as mke2fs does.
  const last = blocks - (groups - 1) * BLOCKS_PER_GROUP;
  if (groups > 1 && last < (hasSuperBackup(groups - 1) ? 1 + gdtBlocks : 0) + 2 + inodeTableBlocks + 50) {
    groups -= 1;
    blocks = groups * BLOCKS_PER_GROUP;
  }
  const journalBlocks = journalBlocksFor(blocks);
  const rootDirBlock = 1 + gdtBlocks + 2 + inodeTableBlocks;
  const g: Ext4Geometry = {
    blockSize: BLOCK, blocks, blocksPerGroup: BLOCKS_PER_GROUP, groups, inodesPerGroup, inodeSize: INODE_SIZE,
    gdtBlocks, inodeTableBlocks, journalBlocks, rootDirBlock, lostFoundBlock: rootDirBlock + 1, journalStart: rootDirBlock + 2,
  };
  if (g.journalStart + journalBlocks > groupBlocks(g, 0)) throw new UsageError(`--disk-size ${bytes}: too small for the file system's journal`);
  return g;
}
