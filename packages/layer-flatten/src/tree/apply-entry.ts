import { InputError } from '@c2w/errors';
import { relativeArchivePath, xattrsOf, type TarHeader } from '@c2w/streams';
import { TreeNode, type DirMeta, type Inode } from './fs-tree.js';
import { resolveDir, type ResolveOptions } from './resolve-path.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): never content, never a whiteout. */
const AUFS_META = '.wh..wh.';

/** What the caller must do with the entry's body: spool it into this inode, or skip it. */
export type ApplyResult = { spoolInto: Inode } | undefined;

/**
 * Applies tar entries of layers in order (bottom layer first) to the metadata tree, with the OCI
 * rules: whiteouts and opaque markers hide only what lower layers made; a directory over a
 * directory merges; anything else replaces the whole subtree; hardlinks share the target's inode,
 * so replacing one name later (a new inode) leaves the other names' content as it was.
 */
export class TreeBuilder {
  constructor(readonly root: TreeNode, private readonly implicitMtime: Date) {}

  apply(header: TarHeader, layer: number): ApplyResult {
    const name = relativeArchivePath(header.name, 'entry');
    const entry = header.name;
    if (name === '') {
      if (header.type !== 'directory') throw new InputError(`entry ${JSON.stringify(entry)}: the root "." must be a directory, got ${header.type}`);
      this.root.dir = dirMeta(header);
      this.root.layer = layer;
      return undefined;
    }
    const components = name.split('/');
    const base = components.pop() as string;
    if (components.some((c) => c.startsWith(AUFS_META)) || (base.startsWith(AUFS_META) && base !== OPAQUE)) return undefined;
    const opts: ResolveOptions = { create: false, layer, mtime: this.implicitMtime, entry };

    if (base === OPAQUE) {
      const dir = resolveDir(this.root, components, opts);
      if (dir instanceof TreeNode) hideLower(dir, layer);
      return undefined;
    }
    if (base.startsWith(WHITEOUT)) {
      const hidden = base.slice(WHITEOUT.length);
      if (hidden === '' || hidden === '.' || hidden === '..') throw new InputError(`entry ${JSON.stringify(entry)}: invalid whiteout name`);
      const dir = resolveDir(this.root, components, opts);
      // A whiteout under a name this layer made a file (umoci writes srv/dir2file/.wh.inner) is a no-op.
      if (!(dir instanceof TreeNode)) return undefined;
      const victim = dir.children?.get(hidden);
      if (victim && victim.layer !== layer) dir.children?.delete(hidden);
      return undefined;
    }

    const parent = resolveDir(this.root, components, { ...opts, create: true });
    if (!(parent instanceof TreeNode)) throw new InputError(`entry ${JSON.stringify(entry)}: a parent is not a directory`);
    const existing = parent.children?.get(base);
    switch (header.type) {
      case 'directory': {
        if (existing?.isDir) {
          existing.dir = dirMeta(header);
          existing.layer = layer;
        } else {
          parent.children?.set(base, new TreeNode(base, parent, layer, dirMeta(header), undefined));
        }
        return undefined;
      }
      case 'link': {
        const target = this.linkTarget(header.linkname ?? '', opts, entry);
        if (target === existing) {
          target.layer = layer;
          return undefined;
        }
        parent.children?.set(base, new TreeNode(base, parent, layer, undefined, target.inode));
        return undefined;
      }
      case 'file': case 'contiguous-file': case 'symlink': case 'fifo': case 'character-device': case 'block-device': {
        const inode = makeInode(header);
        parent.children?.set(base, new TreeNode(base, parent, layer, undefined, inode));
        return inode.type === 'file' && inode.size > 0 ? { spoolInto: inode } : undefined;
      }
      default:
        throw new InputError(`entry ${JSON.stringify(entry)}: unsupported tar entry type ${JSON.stringify(header.type)}`);
    }
  }

  /** Hardlink targets must exist now, inside the root, and not be directories (link(2) refuses them). */
  private linkTarget(linkname: string, opts: ResolveOptions, entry: string): TreeNode & { inode: Inode } {
    const target = relativeArchivePath(linkname, `hardlink ${JSON.stringify(entry)} target`);
    const parts = target.split('/');
    const base = parts.pop() as string;
    const dir = target === '' ? undefined : resolveDir(this.root, parts, opts);
    const node = dir instanceof TreeNode ? dir.children?.get(base) : undefined;
    if (target === '' || node?.isDir) throw new InputError(`hardlink ${JSON.stringify(entry)} points to a directory ${JSON.stringify(linkname)}`);
    if (!node?.inode) throw new InputError(`hardlink ${JSON.stringify(entry)} points to a missing file ${JSON.stringify(linkname)}`);
    return node as TreeNode & { inode: Inode };
  }
}

/** Opaque directory: everything lower layers put below it goes, whatever the marker's position in the layer. */
function hideLower(dir: TreeNode, layer: number): void {
  for (const [name, child] of dir.children ?? []) {
    if (child.layer !== layer) dir.children?.delete(name);
    else if (child.isDir) hideLower(child, layer);
  }
}

function dirMeta(h: TarHeader): DirMeta {
  return { mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, mtime: h.mtime, xattrs: xattrsOrUndefined(h) };
}

function makeInode(h: TarHeader): Inode {
  const type = h.type === 'contiguous-file' ? 'file' : (h.type as Inode['type']);
  const inode: Inode = { type, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, mtime: h.mtime, xattrs: xattrsOrUndefined(h), size: type === 'file' ? h.size : 0 };
  if (type === 'symlink') inode.linkname = h.linkname ?? '';
  if (type === 'character-device' || type === 'block-device') {
    inode.devmajor = h.devmajor ?? 0;
    inode.devminor = h.devminor ?? 0;
  }
  return inode;
}

function xattrsOrUndefined(h: TarHeader): Record<string, string> | undefined {
  const x = xattrsOf(h);
  return Object.keys(x).length > 0 ? x : undefined;
}
