import {
  BLOCK, DIRENT_SIZE, EXTENDED_INODE_SIZE, FileType, LAYOUT_FLAT_INLINE, LAYOUT_FLAT_PLAIN, SLOT,
  XATTR_IBODY_HEADER_SIZE, blocksFor, direntBlock, direntBlocks, encodeDev, extendedInode, xattrBody, xattrBodySize, type Dirent,
} from './erofs-format.js';
import { isDir, type DirNode, type Inode } from './tree.js';
import { encodeName, type BlockWriter } from '@c2w/streams';
import type { TailSpool } from './tail-spool.js';

type Node = Inode | DirNode;

/** Where one inode's record and its data go. */
interface Placement {
  node: Node;
  /** Sorted dirents of a directory (nids filled in once every record is placed). */
  dirents: Dirent[] | null;
  /** Blocks of a directory: the dirent indexes each holds. */
  dirBlocks: number[][] | null;
  size: number;
  xattrBytes: number;
  xattrCount: number;
  /** Bytes stored inline after the inode and its xattrs (tail of a directory, a whole symlink). */
  inline: number;
  /** Data blocks written after the file data (directory blocks, long symlinks) and the first one. */
  extraBlocks: number;
  firstBlock: number;
  /** Offset of the record in the metadata area. */
  offset: number;
  ino: number;
}

export interface MetadataLayout { rootNid: number; inodes: number; metaBlock: number; blocks: number }

/**
 * Everything but file data, laid out after it: directory blocks and long symlinks first, then the
 * inode area (the superblock's meta_blkaddr), where each inode is followed by its inline xattrs and
 * inline tail. Directories are sorted by name bytes, the order the kernel's binary search needs.
 */
export async function writeMetadata(root: DirNode, writer: BlockWriter, tails: TailSpool): Promise<MetadataLayout> {
  const places = placeAll(root);
  let block = writer.position / BLOCK;
  for (const p of places) if (p.extraBlocks > 0) { p.firstBlock = block; block += p.extraBlocks; }
  const metaBlock = block;
  // nid 0 would be inode number 0, which readdir(3) and ls take for a deleted entry: start at slot 1
  let offset = SLOT;
  places.forEach((p, i) => {
    const record = EXTENDED_INODE_SIZE + p.xattrBytes + p.inline;
    // keep an inode and its inline data in one block (the kernel refuses inline data that crosses)
    const inBlock = offset % BLOCK;
    if (inBlock + Math.min(record, p.inline > 0 ? record : EXTENDED_INODE_SIZE) > BLOCK) offset += BLOCK - inBlock;
    p.offset = offset;
    p.node.nid = offset / SLOT;
    p.ino = i + 1;
    offset += Math.ceil(record / SLOT) * SLOT;
  });
  if (root.nid > 0xffff) throw new Error('layout: the root inode must have a 16-bit nid');

  for (const p of places) if (p.dirents) for (const d of p.dirents) d.nid = (d as DirentRef).node.nid;
  // directory blocks and long symlinks, in placement order
  const scratch = Buffer.alloc(BLOCK);
  for (const p of places) {
    if (p.extraBlocks === 0) continue;
    if (p.dirents) {
      const full = p.inline > 0 ? p.dirBlocks!.length - 1 : p.dirBlocks!.length;
      for (let b = 0; b < full; b++) {
        scratch.fill(0);
        direntBlock(p.dirBlocks![b]!.map((i) => p.dirents![i]!), scratch, 0);
        await writeAll(writer, scratch);
      }
    } else {
      scratch.fill(0);
      (p.node as Inode).target!.copy(scratch);
      await writeAll(writer, scratch);
    }
  }
  if (writer.position !== metaBlock * BLOCK) throw new Error(`layout mismatch: data blocks end at ${writer.position}, planned block ${metaBlock}`);

  // the inode area, one block at a time
  const area = Buffer.alloc(BLOCK * 2);
  let areaBase = 0; // metadata offset of area[0]
  for (const p of places) {
    while (p.offset >= areaBase + BLOCK) { await writeAll(writer, area.subarray(0, BLOCK)); area.copy(area, 0, BLOCK); area.fill(0, BLOCK); areaBase += BLOCK; }
    const node = p.node;
    const record = encodeRecord(p, node.kind === 'file' && node.tail > 0 ? await tails.read(node.tailAt, node.tail) : null);
    let at = p.offset - areaBase;
    let from = 0;
    while (from < record.length) {
      const n = Math.min(record.length - from, area.length - at);
      record.copy(area, at, from, from + n);
      from += n;
      at += n;
      if (at === area.length) { await writeAll(writer, area.subarray(0, BLOCK)); area.copy(area, 0, BLOCK); area.fill(0, BLOCK); areaBase += BLOCK; at -= BLOCK; }
    }
  }
  // The image goes on for at least an xattr ibody header after the last inode: fsck.erofs 1.5
  // (Debian bookworm) reads one after every inode, xattrs or not, and called an image whose last
  // inode ends on its last byte corrupt (a zero block more, in about 1 image in 128; the kernel never reads it).
  const end = offset + XATTR_IBODY_HEADER_SIZE;
  await writeAll(writer, area.subarray(0, blocksFor(end - areaBase) * BLOCK));
  await writer.drain();
  return { rootNid: root.nid, inodes: places.length, metaBlock, blocks: metaBlock + blocksFor(end) };
}

interface DirentRef extends Dirent { node: Node }

/** Every inode once (hardlinks at their first name), breadth first, children in name byte order. */
function placeAll(root: DirNode): Placement[] {
  const places: Placement[] = [];
  const placed = new Map<Node, Placement>();
  const queue: DirNode[] = [root];
  const visit = (node: Node): void => {
    if (placed.has(node)) return;
    const p = place(node);
    placed.set(node, p);
    places.push(p);
  };
  visit(root);
  for (let q = 0; q < queue.length; q++) {
    const dir = queue[q]!;
    for (const d of placed.get(dir)!.dirents!) {
      const node = (d as DirentRef).node;
      if (d.name.length <= 2 && (d.name.equals(DOT) || d.name.equals(DOTDOT))) continue;
      visit(node);
      if (isDir(node)) queue.push(node);
    }
  }
  return places;
}

const DOT = Buffer.from('.');
const DOTDOT = Buffer.from('..');

function place(node: Node): Placement {
  const { bytes: xattrBytes, count: xattrCount } = xattrBodySize(node.xattrs);
  const p: Placement = { node, dirents: null, dirBlocks: null, size: 0, xattrBytes, xattrCount, inline: 0, extraBlocks: 0, firstBlock: 0, offset: 0, ino: 0 };
  const room = BLOCK - EXTENDED_INODE_SIZE - xattrBytes;
  if (isDir(node)) {
    const dirents: DirentRef[] = [
      { name: DOT, nid: 0, type: FileType.dir, node },
      { name: DOTDOT, nid: 0, type: FileType.dir, node: node.parent ?? node },
    ];
    for (const [name, child] of node.children) dirents.push({ name: encodeName(name), nid: 0, type: fileType(child), node: child });
    dirents.sort((a, b) => Buffer.compare(a.name, b.name));
    const blocks = direntBlocks(dirents);
    const last = blocks[blocks.length - 1]!;
    const tail = last.reduce((n, i) => n + DIRENT_SIZE + dirents[i]!.name.length, 0);
    p.dirents = dirents;
    p.dirBlocks = blocks;
    p.size = (blocks.length - 1) * BLOCK + tail;
    const inline = tail < BLOCK && tail <= room;
    p.inline = inline ? tail : 0;
    p.extraBlocks = blocks.length - (inline ? 1 : 0);
  } else if (node.kind === 'symlink') {
    p.size = node.size;
    if (node.size <= room) p.inline = node.size;
    else p.extraBlocks = 1;
  } else if (node.kind === 'file') {
    p.size = node.size;
    p.inline = node.tail;
  }
  return p;
}

function fileType(node: Node): number {
  switch (node.kind) {
    case 'dir': return FileType.dir;
    case 'file': return FileType.reg;
    case 'symlink': return FileType.symlink;
    case 'char': return FileType.chr;
    case 'block': return FileType.blk;
    case 'fifo': return FileType.fifo;
  }
}

const S_IF = { dir: 0o040000, file: 0o100000, symlink: 0o120000, char: 0o020000, block: 0o060000, fifo: 0o010000 } as const;

function encodeRecord(p: Placement, fileTail: Buffer | null): Buffer {
  const node = p.node;
  const out = Buffer.alloc(EXTENDED_INODE_SIZE + p.xattrBytes + p.inline);
  let union = 0;
  let nlink = 1;
  if (isDir(node)) {
    union = p.extraBlocks > 0 ? p.firstBlock : 0;
    nlink = 2;
    for (const c of node.children.values()) if (isDir(c)) nlink++;
  } else {
    nlink = node.nlink;
    if (node.kind === 'file') union = node.block;
    else if (node.kind === 'symlink') union = p.extraBlocks > 0 ? p.firstBlock : 0;
    else if (node.kind === 'char' || node.kind === 'block') union = encodeDev(node.devMajor ?? 0, node.devMinor ?? 0);
  }
  extendedInode({
    layout: p.inline > 0 ? LAYOUT_FLAT_INLINE : LAYOUT_FLAT_PLAIN, xattrCount: p.xattrCount,
    mode: S_IF[node.kind] | node.perm, size: p.size, union, ino: p.ino, uid: node.uid, gid: node.gid, mtime: node.mtime, nlink,
  }, out, 0);
  if (p.xattrCount > 0) xattrBody(node.xattrs, out, EXTENDED_INODE_SIZE);
  if (p.inline > 0) {
    const at = EXTENDED_INODE_SIZE + p.xattrBytes;
    if (p.dirents) direntBlock(p.dirBlocks![p.dirBlocks!.length - 1]!.map((i) => p.dirents![i]!), out, at);
    else (fileTail ?? (node as Inode).target!).copy(out, at);
  }
  return out;
}

async function writeAll(writer: BlockWriter, buf: Buffer): Promise<void> {
  const wait = writer.write(buf);
  if (wait) await wait;
}
