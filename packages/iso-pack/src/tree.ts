/**
 * The in-memory image: metadata only (names, modes, owners, times, extents), never file bodies.
 * One Inode per file system object; hardlinks are several Child entries sharing one Inode.
 */

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
    children: new Map(), extent: 0, size: 0, jExtent: 0, jSize: 0, number: 0, jNumber: 0,
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
  const keyed = [...dir.children.values()].map((c) => ({ c, k: Buffer.from(c.name) }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k));
  return keyed.map((x) => x.c);
}
