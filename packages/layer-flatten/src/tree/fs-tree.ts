/** Metadata shared by every name of a hardlink group: it is the inode, names are tree nodes. */
export interface Inode {
  type: 'file' | 'symlink' | 'fifo' | 'character-device' | 'block-device';
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  xattrs: Record<string, string> | undefined;
  /** Symlink target. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  size: number;
  /** Where the body lives in the spool (files with size > 0). */
  spoolOffset?: number;
}

export interface DirMeta {
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  xattrs: Record<string, string> | undefined;
}

/**
 * One name in the final tree. `layer` is the last layer that wrote this name (or created it as a
 * parent): whiteouts and opaque markers of layer n only remove names that layer n did not write.
 */
export class TreeNode {
  children: Map<string, TreeNode> | undefined;

  constructor(
    public name: string,
    public parent: TreeNode | undefined,
    public layer: number,
    public dir: DirMeta | undefined,
    public inode: Inode | undefined,
  ) {
    if (dir) this.children = new Map();
  }

  get isDir(): boolean {
    return this.dir !== undefined;
  }

  get isSymlink(): boolean {
    return this.inode?.type === 'symlink';
  }
}

export function makeRoot(mtime: Date): TreeNode {
  return new TreeNode('', undefined, 0, { mode: 0o755, uid: 0, gid: 0, mtime, xattrs: undefined }, undefined);
}

/** A directory made because an entry needed it as a parent (tar extractors use 0755 root:root). */
export function implicitDir(name: string, parent: TreeNode, layer: number, mtime: Date): TreeNode {
  return new TreeNode(name, parent, layer, { mode: 0o755, uid: 0, gid: 0, mtime, xattrs: undefined }, undefined);
}
