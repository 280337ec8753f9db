/**
 * The in-memory image: metadata only (names, modes, owners, times, extents), never file bodies.
 * One Inode per file system object; hardlinks are several Child entries sharing one Inode.
 */
import { compareBytes } from '@c2w/streams';

export type InodeKind = 'file' | 'symlink' | 'char' | 'block' | 'fifo';

export interface Inode {
  kind: InodeKind;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  nlink: number;
  /** Rock Ridge PX serial number, assigned in tree order before the metadata is written. */
  ino: number;
  /** Regular files: first 2048-byte block of the data and its exact length. */
  extent: number;
  size: number;
  target?: string;
  devMajor?: number;
  devMinor?: number;
}

export interface DirNode {
  kind: 'dir';
  name: string;
  parent: DirNode | null;
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  ino: number;
  /** False while the directory exists only because something below it does. */
  explicit: boolean;
  children: Map<string, Child>;
  /** Filled by the layout: ISO and Joliet directory extents and sizes (bytes, block multiples). */
  extent: number;
  size: number;
  jExtent: number;
  jSize: number;
  /** 1-based path table numbers (0: not in that tree). */
  number: number;
  jNumber: number;
  /** Orders and counts of the metadata layout (null until it is planned). */
  layout: DirLayout | null;
}

export interface DirLayout {
  /** Children in Rock Ridge name byte order (released once every name is chosen). */
  sorted: Child[];
  /** Children in ISO 9660 identifier order, and the Joliet tree's (files and directories only). */
  iso: Child[];
  joliet: Child[];
  /** The entry naming this directory in its parent (null for the root). */
  self: Child | null;
  subdirs: number;
  /** Rock Ridge continuation blocks written right after the directory's records. */
  ceBlocks: number;
}

export interface Child {
  name: string;
  node: Inode | DirNode;
  /** Names chosen by the layout for the ISO 9660 and Joliet trees ('' = left out of Joliet). */
  isoId: string;
  jId: string;
}

export function isDir(node: Inode | DirNode): node is DirNode {
  return node.kind === 'dir';
}

export function newDir(name: string, parent: DirNode | null, mtime: number): DirNode {
  return {
    kind: 'dir', name, parent, perm: 0o755, uid: 0, gid: 0, mtime, ino: 0, explicit: false,
    children: new Map(), extent: 0, size: 0, jExtent: 0, jSize: 0, number: 0, jNumber: 0, layout: null,
  };
}

/** Path of a directory for messages ('' is the root, shown as '/'). */
export function dirPath(dir: DirNode): string {
  const parts: string[] = [];
  for (let d: DirNode | null = dir; d && d.parent; d = d.parent) parts.push(d.name);
  return '/' + parts.reverse().join('/');
}

/** Children sorted by Rock Ridge name bytes: the order every name decision is made in. */
export function sortedChildren(dir: DirNode): Child[] {
  return [...dir.children.values()].sort((a, b) => compareUtf8(a.name, b.name));
}

/**
 * Compares names as their bytes compare without encoding them: UTF-16 code units order as UTF-8
 * does outside the surrogates. Pairs and escaped bytes (streams' byte-names.ts) take the slow way.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) {
      const from = i > 0 && (a.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i; // the whole pair
      return compareBytes(a.slice(from), b.slice(from));
    }
    return x - y;
  }
  return a.length - b.length;
}
