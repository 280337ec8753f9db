/**
 * EROFS on-disk structures, as Linux 6.1 fs/erofs/erofs_fs.h defines them (little endian): the
 * superblock, the 64-byte extended inode, inline xattrs and directory blocks. Pure encoders.
 */

/** Linux 6.1 mounts only block size == PAGE_SIZE (4 KiB on riscv64 and x86_64). */
export const BLOCK = 4096;
export const BLOCK_BITS = 12;
export const SUPER_OFFSET = 1024;
export const EROFS_MAGIC = 0xe0f5e1e2;
/** Inode slots are 32 bytes: a nid is (offset in the metadata area) / 32. */
export const SLOT = 32;
export const EXTENDED_INODE_SIZE = 64;
const FEATURE_COMPAT_MTIME = 0x2;

export const LAYOUT_FLAT_PLAIN = 0;
export const LAYOUT_FLAT_INLINE = 2;

/** erofs_dirent file types (the kernel's FT_* values). */
export const FileType = { reg: 1, dir: 2, chr: 3, blk: 4, fifo: 5, sock: 6, symlink: 7 } as const;

export function blocksFor(bytes: number): number {
  return Math.ceil(bytes / BLOCK);
}

export interface SuperBlock {
  rootNid: number;
  inodes: number;
  buildTime: number;
  blocks: number;
  metaBlock: number;
  volumeName: Buffer;
}

/** The 128-byte superblock (no checksum feature: its crc32c would only guard the block it is in). */
export function superBlock(sb: SuperBlock): Buffer {
  const b = Buffer.alloc(128);
  b.writeUInt32LE(EROFS_MAGIC, 0);
  b.writeUInt32LE(FEATURE_COMPAT_MTIME, 8);
  b.writeUInt8(BLOCK_BITS, 12);
  b.writeUInt16LE(sb.rootNid, 14);
  b.writeBigUInt64LE(BigInt(sb.inodes), 16);
  b.writeBigUInt64LE(BigInt(sb.buildTime), 24);
  b.writeUInt32LE(sb.blocks, 36);
  b.writeUInt32LE(sb.metaBlock, 40);
  sb.volumeName.copy(b, 64, 0, 16);
  return b;
}

export interface InodeFields {
  layout: number;
  xattrCount: number;
  mode: number;
  size: number;
  /** raw_blkaddr for files, directories and symlinks; new_encode_dev for devices. */
  union: number;
  ino: number;
  uid: number;
  gid: number;
  mtime: number;
  nlink: number;
}

/** erofs_inode_extended: the only form we write, since compact inodes take their mtime from the superblock. */
export function extendedInode(f: InodeFields, out: Buffer, at: number): void {
  out.writeUInt16LE(1 | (f.layout << 1), at);
  out.writeUInt16LE(f.xattrCount, at + 2);
  out.writeUInt16LE(f.mode, at + 4);
  out.writeBigUInt64LE(BigInt(f.size), at + 8);
  out.writeUInt32LE(f.union >>> 0, at + 16);
  out.writeUInt32LE(f.ino >>> 0, at + 20);
  out.writeUInt32LE(f.uid >>> 0, at + 24);
  out.writeUInt32LE(f.gid >>> 0, at + 28);
  out.writeBigInt64LE(BigInt(f.mtime), at + 32);
  out.writeUInt32LE(f.nlink >>> 0, at + 44);
}

/** Linux new_encode_dev: what the kernel's new_decode_dev reads back for any major and minor. */
export function encodeDev(major: number, minor: number): number {
  return ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

// --- xattrs ------------------------------------------------------------------------------

const XATTR_PREFIXES: Array<[string, number]> = [
  ['user.', 1], ['trusted.', 4], ['security.', 6],
];
const XATTR_FULL: Record<string, number> = { 'system.posix_acl_access': 2, 'system.posix_acl_default': 3 };

/** Name index and suffix of an xattr name, or null if EROFS has no prefix for it. */
export function xattrIndex(name: string): [number, string] | null {
  const full = XATTR_FULL[name];
  if (full !== undefined) return [full, ''];
  for (const [prefix, index] of XATTR_PREFIXES) if (name.startsWith(prefix) && name.length > prefix.length) return [index, name.slice(prefix.length)];
  return null;
}

export interface Xattr { index: number; suffix: Buffer; value: Buffer }

/** struct erofs_xattr_ibody_header: what follows an inode that has inline xattrs. */
export const XATTR_IBODY_HEADER_SIZE = 12;

/** Bytes of the inline xattr body (header + entries, each padded to 4) and its i_xattr_icount. */
export function xattrBodySize(xattrs: Xattr[]): { bytes: number; count: number } {
  if (xattrs.length === 0) return { bytes: 0, count: 0 };
  let bytes = XATTR_IBODY_HEADER_SIZE;
  for (const x of xattrs) bytes += align4(4 + x.suffix.length + x.value.length);
  return { bytes, count: 1 + (bytes - XATTR_IBODY_HEADER_SIZE) / 4 };
}

/** Writes the ibody header (no shared xattrs) and the entries. */
export function xattrBody(xattrs: Xattr[], out: Buffer, at: number): void {
  let p = at + XATTR_IBODY_HEADER_SIZE;
  for (const x of xattrs) {
    out.writeUInt8(x.suffix.length, p);
    out.writeUInt8(x.index, p + 1);
    out.writeUInt16LE(x.value.length, p + 2);
    x.suffix.copy(out, p + 4);
    x.value.copy(out, p + 4 + x.suffix.length);
    p += align4(4 + x.suffix.length + x.value.length);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

// --- directories -------------------------------------------------------------------------

export const DIRENT_SIZE = 12;

export interface Dirent { name: Buffer; nid: number; type: number }

/**
 * Splits sorted dirents into blocks (each: the dirent array, then the names, unterminated) and
 * returns the byte length each block uses; the directory's i_size is the sum, the last block partial.
 */
export function direntBlocks(entries: Dirent[]): number[][] {
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = 0;
  entries.forEach((e, i) => {
    const need = DIRENT_SIZE + e.name.length;
    if (used + need > BLOCK) { blocks.push(current); current = []; used = 0; }
    current.push(i);
    used += need;
  });
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** Encodes one directory block of `entries` into `out` at `at`; returns the bytes used. */
export function direntBlock(entries: Dirent[], out: Buffer, at: number): number {
  let nameAt = entries.length * DIRENT_SIZE;
  entries.forEach((e, i) => {
    const p = at + i * DIRENT_SIZE;
    out.writeBigUInt64LE(BigInt(e.nid), p);
    out.writeUInt16LE(nameAt, p + 8);
    out.writeUInt8(e.type, p + 10);
    e.name.copy(out, at + nameAt);
    nameAt += e.name.length;
  });
  return nameAt;
}
