import { type Ext4Geometry, groupBlocks, groupMetaStart } from './ext4-geometry.js';

// On-disk records of ext4 (little-endian) and jbd2 (big-endian), the subset a fresh file system
// needs. Field offsets: Linux fs/ext4/ext4.h (struct ext4_super_block, ext4_group_desc, ext4_inode)
// and include/linux/jbd2.h (journal_superblock_t).

export const ROOT_INO = 2;
export const JOURNAL_INO = 8;
export const LOST_FOUND_INO = 11;
const EXTENTS_FL = 0x80000;
const COMPAT = 0x4 /* has_journal */ | 0x8 /* ext_attr */ | 0x20; /* dir_index */
const INCOMPAT = 0x2 /* filetype */ | 0x40; /* extents */
const RO_COMPAT = 0x1 /* sparse_super */ | 0x2 /* large_file */ | 0x20 /* dir_nlink */ | 0x40; /* extra_isize */

export interface Ext4Identity {
  uuid: Buffer;
  /** Seconds since the epoch for every time stamp (SOURCE_DATE_EPOCH when given). */
  time: number;
  label: string;
}

/** i_block of an inode whose data is one extent (depth-0 tree, one entry). */
export function singleExtent(start: number, length: number): Buffer {
  const b = Buffer.alloc(60);
  b.writeUInt16LE(0xf30a, 0); // eh_magic
  b.writeUInt16LE(1, 2); // eh_entries
  b.writeUInt16LE(4, 4); // eh_max
  b.writeUInt32LE(0, 12); // ee_block
  b.writeUInt16LE(length, 16); // ee_len (at most 32768 initialized blocks)
  b.writeUInt16LE(0, 18); // ee_start_hi
  b.writeUInt32LE(start, 20); // ee_start_lo
  return b;
}

/** A 256-byte inode holding `blocks` blocks from `start`. */
export function inode(g: Ext4Geometry, mode: number, links: number, start: number, blocks: number, time: number): Buffer {
  const b = Buffer.alloc(g.inodeSize);
  const size = blocks * g.blockSize;
  b.writeUInt16LE(mode, 0);
  b.writeUInt32LE(size % 2 ** 32, 4);
  for (const off of [8, 12, 16]) b.writeUInt32LE(time, off); // atime, ctime, mtime
  b.writeUInt16LE(links, 26);
  b.writeUInt32LE(blocks * (g.blockSize / 512), 28); // i_blocks in 512-byte sectors
  b.writeUInt32LE(EXTENTS_FL, 32);
  singleExtent(start, blocks).copy(b, 40);
  b.writeUInt32LE(Math.floor(size / 2 ** 32), 108);
  b.writeUInt16LE(32, 128); // i_extra_isize: room for the extra time fields, the rest for in-inode xattrs
  b.writeUInt32LE(time, 144); // i_crtime
  return b;
}

/** A directory block: entries (inode, name) with the last one spanning the rest of the block. */
export function dirBlock(g: Ext4Geometry, entries: [number, string][]): Buffer {
  const b = Buffer.alloc(g.blockSize);
  let off = 0;
  entries.forEach(([ino, name], i) => {
    const len = i === entries.length - 1 ? g.blockSize - off : (8 + name.length + 3) & ~3;
    b.writeUInt32LE(ino, off);
    b.writeUInt16LE(len, off + 4);
    b.writeUInt8(name.length, off + 6);
    b.writeUInt8(2, off + 7); // EXT4_FT_DIR: every entry of a fresh file system is a directory
    b.write(name, off + 8, 'latin1');
    off += len;
  });
  return b;
}

export interface Counts { freeBlocks: number[]; freeInodes: number[]; usedDirs: number[] }

/** The superblock (1024 bytes) as group `group` stores it. */
export function superblock(g: Ext4Geometry, c: Counts, id: Ext4Identity, journalIBlock: Buffer, group: number): Buffer {
  const b = Buffer.alloc(1024);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  b.writeUInt32LE(g.groups * g.inodesPerGroup, 0);
  b.writeUInt32LE(g.blocks, 4);
  b.writeUInt32LE(0, 8); // no blocks reserved for root: the container's root is the only user
  b.writeUInt32LE(sum(c.freeBlocks), 12);
  b.writeUInt32LE(sum(c.freeInodes), 16);
  b.writeUInt32LE(0, 20); // s_first_data_block: 0 for blocks over 1 KiB
  b.writeUInt32LE(2, 24); // log2(4096) - 10
  b.writeUInt32LE(2, 28);
  b.writeUInt32LE(g.blocksPerGroup, 32);
  b.writeUInt32LE(g.blocksPerGroup, 36);
  b.writeUInt32LE(g.inodesPerGroup, 40);
  b.writeUInt32LE(id.time, 48); // s_wtime
  b.writeInt16LE(-1, 54); // s_max_mnt_count: no forced checks
  b.writeUInt16LE(0xef53, 56);
  b.writeUInt16LE(1, 58); // s_state: clean
  b.writeUInt16LE(1, 60); // s_errors: continue
  b.writeUInt32LE(id.time, 64); // s_lastcheck
  b.writeUInt32LE(1, 76); // s_rev_level: dynamic
  b.writeUInt32LE(LOST_FOUND_INO, 84); // s_first_ino
  b.writeUInt16LE(g.inodeSize, 88);
  b.writeUInt16LE(group, 90);
  b.writeUInt32LE(COMPAT, 92);
  b.writeUInt32LE(INCOMPAT, 96);
  b.writeUInt32LE(RO_COMPAT, 100);
  id.uuid.copy(b, 104, 0, 16);
  b.write(id.label.slice(0, 16), 120, 'latin1');
  b.writeUInt32LE(JOURNAL_INO, 224);
  for (let i = 0; i < 4; i++) b.writeUInt32LE(id.uuid.readUInt32LE(i * 4), 236 + i * 4); // s_hash_seed
  b.writeUInt8(1, 252); // s_def_hash_version: half_md4
  b.writeUInt8(1, 253); // s_jnl_backup_type: s_jnl_blocks holds the journal inode's i_block
  b.writeUInt32LE(0x4 | 0x8, 256); // s_default_mount_opts: user_xattr, acl (as mke2fs)
  b.writeUInt32LE(id.time, 264); // s_mkfs_time
  journalIBlock.copy(b, 268, 0, 60);
  b.writeUInt32LE(0, 328); // s_jnl_blocks[15]: i_size_high
  b.writeUInt32LE(g.journalBlocks * g.blockSize, 332); // s_jnl_blocks[16]: i_size
  b.writeUInt16LE(32, 348); // s_min_extra_isize
  b.writeUInt16LE(32, 350); // s_want_extra_isize
  b.writeUInt32LE(0x1, 352); // s_flags: signed directory hash, as mke2fs on x86
  return b;
}

/** The group descriptor table: 32-byte descriptors (no 64bit feature). */
export function groupDescriptors(g: Ext4Geometry, c: Counts): Buffer {
  const b = Buffer.alloc(g.gdtBlocks * g.blockSize);
  for (let i = 0; i < g.groups; i++) {
    const meta = groupMetaStart(g, i);
    b.writeUInt32LE(meta, i * 32);
    b.writeUInt32LE(meta + 1, i * 32 + 4);
    b.writeUInt32LE(meta + 2, i * 32 + 8);
    b.writeUInt16LE(c.freeBlocks[i] ?? 0, i * 32 + 12);
    b.writeUInt16LE(c.freeInodes[i] ?? 0, i * 32 + 14);
    b.writeUInt16LE(c.usedDirs[i] ?? 0, i * 32 + 16);
  }
  return b;
}

/** A bitmap block with bits [0, used) set and [valid, end) set (padding past the group's end). */
export function bitmap(g: Ext4Geometry, used: number, valid: number): Buffer {
  const b = Buffer.alloc(g.blockSize);
  const set = (from: number, to: number) => { for (let i = from; i < to; i++) b[i >> 3]! |= 1 << (i & 7); };
  set(0, used);
  set(valid, g.blockSize * 8);
  return b;
}

/** The jbd2 superblock (v2) of an empty, clean internal journal. */
export function journalSuperblock(g: Ext4Geometry, uuid: Buffer): Buffer {
  const b = Buffer.alloc(g.blockSize);
  b.writeUInt32BE(0xc03b3998, 0); // JBD2_MAGIC_NUMBER
  b.writeUInt32BE(4, 4); // JBD2_SUPERBLOCK_V2
  b.writeUInt32BE(g.blockSize, 12);
  b.writeUInt32BE(g.journalBlocks, 16); // s_maxlen
  b.writeUInt32BE(1, 20); // s_first
  b.writeUInt32BE(1, 24); // s_sequence
  uuid.copy(b, 48, 0, 16);
  b.writeUInt32BE(1, 64); // s_nr_users
  return b;
}

export { groupBlocks };
