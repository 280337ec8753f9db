/**
 * The in-memory image: metadata only (names, modes, owners, times, xattrs, data block addresses),
 * never file bodies. One Inode per file system object; hardlinks are several names for one Inode.
 */
import type { Xattr } from './erofs-format.js';

export type InodeKind = 'file' | 'symlink' | 'char' | 'block' | 'fifo';

export interface Inode {
  kind: InodeKind;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  nlink: number;
  xattrs: Xattr[];
  /** Regular files: first data block (0: no whole block) and exact length. */
  block: number;
  size: number;
  /** Regular files: bytes of the last partial block stored inline after the inode, and where they wait in the TailSpool. */
  tail: number;
  tailAt: number;
  target?: Buffer;
  devMajor?: number;
  devMinor?: number;
  /** Assigned by the layout. */
  nid: number;
}

export interface DirNode {
  kind: 'dir';
  parent: DirNode | null;
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  xattrs: Xattr[];
  /** Keyed by the name as streams' byte-names decode it. */
  children: Map<string, Inode | DirNode>;
  nid: number;
}

export function isDir(node: Inode | DirNode): node is DirNode {
  return node.kind === 'dir';
}

export function newDir(parent: DirNode | null, mtime: number): DirNode {
  return { kind: 'dir', parent, perm: 0o755, uid: 0, gid: 0, mtime, xattrs: [], children: new Map(), nid: 0 };
}
