import { createHash, type Hash } from 'node:crypto';
import { InputError } from '@c2w/errors';
import { archivePath, baseName, checkedNameLength, detachedName, feedTarEntries, graftPath, mtimeSeconds, parentPath, type BlockWriter, type TarHeader } from '@c2w/streams';
import { BLOCK, blocksFor } from './iso-bytes.js';
import type { DataExtent } from './relocate.js';
import { isDir, newDir, type Child, type DirNode, type Inode, type InodeKind } from './tree.js';

export interface BuilderOptions {
  /** Share one extent between files of identical content (hashes every body). */
  dedupe: boolean;
  /** mtime of directories that no entry describes (parents created implicitly). */
  defaultMtime: number;
  warn: (message: string) => void;
}

const KINDS: Record<string, InodeKind | 'dir' | 'link'> = {
  file: 'file', 'contiguous-file': 'file', directory: 'dir', symlink: 'symlink', link: 'link',
  'character-device': 'char', 'block-device': 'block', fifo: 'fifo',
};

/**
 * Turns tar entries into the image tree while streaming file bodies straight to the output: each
 * body becomes an extent the moment it arrives, so only metadata stays in memory. Paths are
 * canonical (no `..`, re-rooted absolute names); the same path twice must describe the same thing.
 */
export class ImageBuilder {
  readonly root: DirNode;
  private readonly dirs = new Map<string, DirNode>();
  private readonly byContent = new Map<string, DataExtent>();
  /** Every file body written, in write order. */
  readonly extents: DataExtent[] = [];
  entries = 0;

  constructor(private readonly writer: BlockWriter, private readonly options: BuilderOptions) {
    this.root = newDir('', null, options.defaultMtime);
    this.dirs.set('', this.root);
  }

  /** Adds every entry of one tar stream, grafted under `graft` ('' = the root). */
  async addTar(source: AsyncIterable<Uint8Array>, graft: string, what: string): Promise<void> {
    if (graft !== '') this.ensureDir(graft, 'graft directory');
    await feedTarEntries(source, what, graft, {
      entry: (path, header) => this.addEntry(path, graft, header),
      body: (bytes) => this.body(bytes),
      end: async () => { await this.endEntry(); this.entries++; },
    });
  }

  /** What the body of the current entry is for: nothing, the image, or a comparison. */
  private mode: number = BodyMode.Skip;
  private inode: Inode | null = null;
  private start = 0;
  private received = 0;
  private hash: Hash | null = null;
  private same = true;

  private async addEntry(path: string, graft: string, header: TarHeader): Promise<void> {
    this.mode = BodyMode.Skip;
    const kind = KINDS[header.type];
    if (kind === undefined) {
      this.options.warn(`skipping ${JSON.stringify(path)}: tar entry type ${header.type} has no ISO 9660 form`);
      return;
    }
    if ((header.mode & 0o170000) === 0o140000) {
      this.options.warn(`skipping socket ${JSON.stringify(path)}`);
      return;
    }
    const perm = header.mode & 0o7777;
    const mtime = mtimeSeconds(header.mtime);
    if (kind === 'dir') {
      const dir = this.ensureDir(path, 'entry');
      dir.perm = perm; dir.uid = header.uid; dir.gid = header.gid; dir.mtime = mtime; dir.explicit = true;
      return;
    }
    if (path === graft) throw new InputError(`${header.type} at the root, expected a directory`);
    const parent = this.ensureDir(parentPath(path), 'parent');
    const name = detachedName(baseName(path), path);
    const existing = parent.children.get(name);
    if (existing && isDir(existing.node)) throw new InputError(`conflicts with an earlier directory of the same path`);

    if (kind === 'link') {
      const targetPath = graftPath(graft, archivePath(header.linkname ?? '', 'hardlink target'));
      const target = this.lookup(targetPath);
      if (!target) throw new InputError(`hardlink to ${JSON.stringify(targetPath)}, which is not an earlier entry`);
      if (isDir(target)) throw new InputError(`hardlink to directory ${JSON.stringify(targetPath)}`);
      if (existing) {
        if (existing.node === target) return;
        throw new InputError('conflicts with an earlier entry of the same path');
      }
      target.nlink++;
      parent.children.set(name, child(name, target));
      return;
    }

    const inode: Inode = { kind, perm, uid: header.uid, gid: header.gid, mtime, nlink: 1, ino: 0, extent: 0, size: 0 };
    if (kind === 'symlink') {
      if (!header.linkname) throw new InputError('symlink with an empty target');
      inode.target = header.linkname;
    } else if (kind === 'char' || kind === 'block') {
      inode.devMajor = header.devmajor ?? 0;
      inode.devMinor = header.devminor ?? 0;
    }
    if (kind === 'file') {
      this.received = 0;
      inode.size = header.size;
      if (existing) {
        if (!sameMeta(existing.node, inode) || existing.node.size !== header.size) throw conflict();
        this.mode = BodyMode.Compare;
        this.inode = existing.node as Inode;
        this.same = true;
        return;
      }
      this.mode = BodyMode.Write;
      this.inode = inode;
      this.start = this.writer.position;
      this.hash = this.options.dedupe ? createHash('sha256') : null;
    } else if (existing) {
      if (sameMeta(existing.node, inode)) return;
      throw new InputError('conflicts with an earlier entry of the same path');
    }
    parent.children.set(name, child(name, inode));
  }

  /** One piece of the current body; a promise only when the output must catch up first. */
  private body(bytes: Buffer): Promise<void> | undefined {
    if (this.mode === BodyMode.Write) {
      this.received += bytes.length;
      this.hash?.update(bytes);
      return this.writer.write(bytes);
    }
    if (this.mode === BodyMode.Compare) return this.compare(bytes);
    return undefined;
  }

  private async compare(bytes: Buffer): Promise<void> {
    const offset = this.inode!.extent * BLOCK + this.received;
    this.received += bytes.length;
    if (this.same && !(await this.writer.readAt(offset, bytes.length)).equals(bytes)) this.same = false;
  }

  private async endEntry(): Promise<void> {
    const mode = this.mode;
    this.mode = BodyMode.Skip;
    const inode = this.inode!;
    this.inode = null;
    if (mode === BodyMode.Compare) {
      if (!this.same) throw conflict();
      return;
    }
    if (mode !== BodyMode.Write) return;
    const size = this.received;
    if (size !== inode.size) throw new InputError(`body has ${size} bytes, header says ${inode.size} (truncated?)`);
    if (size === 0) return;
    this.writer.padToBlock();
    const hash = this.hash;
    this.hash = null;
    const key = hash ? `${size}:${hash.digest('base64')}` : '';
    const earlier = hash ? this.byContent.get(key) : undefined;
    if (earlier) {
      await this.writer.rewind(this.start);
      inode.extent = earlier.block;
      if (Array.isArray(earlier.owners)) earlier.owners.push(inode);
      else earlier.owners = [earlier.owners, inode];
      return;
    }
    inode.extent = this.start / BLOCK;
    const extent: DataExtent = { block: inode.extent, blocks: blocksFor(size), owners: inode };
    this.extents.push(extent);
    if (hash) this.byContent.set(key, extent);
  }

  private lookup(path: string): Inode | DirNode | undefined {
    const dir = this.dirs.get(path);
    if (dir) return dir;
    return this.dirs.get(parentPath(path))?.children.get(baseName(path))?.node;
  }

  /** The directory at `path`, creating missing parents as implicit directories. */
  private ensureDir(path: string, what: string): DirNode {
    const known = this.dirs.get(path);
    if (known) return known;
    const parent = this.ensureDir(parentPath(path), what);
    const name = baseName(path);
    if (parent.children.has(name)) {
      throw new InputError(`${what} ${JSON.stringify(path)} is not a directory in an earlier entry`);
    }
    const dir = newDir(name, parent, this.options.defaultMtime);
    parent.children.set(name, child(name, dir));
    this.dirs.set(path, dir);
    return dir;
  }
}

/** What the current entry's body is for. */
const BodyMode = { Skip: 0, Write: 1, Compare: 2 } as const;

function conflict(): InputError {
  return new InputError('conflicts with an earlier file of the same path (different metadata or content)');
}

/** Every name enters the tree here. */
function child(name: string, node: Inode | DirNode): Child {
  return { name: checkedNameLength(name), node, isoId: '', jId: '' };
}

function sameMeta(a: Inode | DirNode, b: Inode): boolean {
  if (isDir(a)) return false;
  return a.kind === b.kind && a.perm === b.perm && a.uid === b.uid && a.gid === b.gid && a.mtime === b.mtime
    && a.target === b.target && a.devMajor === b.devMajor && a.devMinor === b.devMinor;
}
