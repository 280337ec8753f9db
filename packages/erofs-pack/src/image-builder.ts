import { InputError } from '@c2w/errors';
import { archivePath, baseName, checkedNameLength, detachedName, encodeName, feedTarEntries, graftPath, mtimeSeconds, parentPath, xattrsOf, type BlockWriter, type TarHeader } from '@c2w/streams';
import { BLOCK, EXTENDED_INODE_SIZE, xattrBodySize } from './erofs-format.js';
import { isDir, newDir, type DirNode, type Inode, type InodeKind } from './tree.js';
import type { TailSpool } from './tail-spool.js';
import { parseXattrs } from './xattrs.js';

export interface BuilderOptions {
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
 * body lands in whole blocks the moment it arrives, so only metadata stays in memory. Paths are
 * canonical (no `..`, re-rooted absolute names); the same path twice must describe the same thing.
 */
export class ImageBuilder {
  readonly root: DirNode;
  private readonly dirs = new Map<string, DirNode>();
  entries = 0;

  constructor(private readonly writer: BlockWriter, private readonly tails: TailSpool, private readonly options: BuilderOptions) {
    this.root = newDir(null, options.defaultMtime);
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
  private same = true;

  private addEntry(path: string, graft: string, header: TarHeader): void {
    this.mode = BodyMode.Skip;
    const kind = KINDS[header.type];
    if (kind === undefined) {
      this.options.warn(`skipping ${JSON.stringify(path)}: tar entry type ${header.type} has no EROFS form`);
      return;
    }
    if ((header.mode & 0o170000) === 0o140000) {
      this.options.warn(`skipping socket ${JSON.stringify(path)}`);
      return;
    }
    const perm = header.mode & 0o7777;
    const mtime = mtimeSeconds(header.mtime);
    const xattrs = parseXattrs(xattrsOf(header), this.options.warn);
    if (kind === 'dir') {
      const dir = this.ensureDir(path, 'entry');
      dir.perm = perm; dir.uid = header.uid; dir.gid = header.gid; dir.mtime = mtime; dir.xattrs = xattrs;
      return;
    }
    if (path === graft) throw new InputError(`${header.type} at the root, expected a directory`);
    const parent = this.ensureDir(parentPath(path), 'parent');
    const name = checkedNameLength(detachedName(baseName(path), path));
    const existing = parent.children.get(name);
    if (existing && isDir(existing)) throw new InputError('conflicts with an earlier directory of the same path');

    if (kind === 'link') {
      const targetPath = graftPath(graft, archivePath(header.linkname ?? '', 'hardlink target'));
      const target = this.lookup(targetPath);
      if (!target) throw new InputError(`hardlink to ${JSON.stringify(targetPath)}, which is not an earlier entry`);
      if (isDir(target)) throw new InputError(`hardlink to directory ${JSON.stringify(targetPath)}`);
      if (existing) {
        if (existing === target) return;
        throw new InputError('conflicts with an earlier entry of the same path');
      }
      target.nlink++;
      parent.children.set(name, target);
      return;
    }

    const inode: Inode = { kind, perm, uid: header.uid, gid: header.gid, mtime, nlink: 1, xattrs, block: 0, size: 0, tail: 0, tailAt: 0, nid: 0 };
    if (kind === 'symlink') {
      if (!header.linkname) throw new InputError('symlink with an empty target');
      inode.target = encodeName(header.linkname);
      inode.size = inode.target.length;
      if (inode.size > SYMLINK_MAX) throw new InputError(`symlink target of ${inode.size} bytes, expected at most ${SYMLINK_MAX} (Linux reads one page of it)`);
    } else if (kind === 'char' || kind === 'block') {
      inode.devMajor = header.devmajor ?? 0;
      inode.devMinor = header.devminor ?? 0;
    }
    if (kind === 'file') {
      this.received = 0;
      inode.size = header.size;
      if (existing) {
        if (!sameMeta(existing, inode) || existing.size !== header.size) throw conflict();
        this.mode = BodyMode.Compare;
        this.inode = existing;
        this.same = true;
        return;
      }
      this.mode = BodyMode.Write;
      this.inode = inode;
      this.start = this.writer.position;
      // tail packing: the last partial block goes after the inode when it fits in that block
      const tail = inode.size % BLOCK;
      if (tail > 0 && EXTENDED_INODE_SIZE + xattrBodySize(xattrs).bytes + tail <= BLOCK) {
        inode.tail = tail;
        inode.tailAt = this.tails.position;
      }
    } else if (existing) {
      if (sameMeta(existing, inode)) return;
      throw new InputError('conflicts with an earlier entry of the same path');
    }
    parent.children.set(name, inode);
  }

  /** One piece of the current body; a promise only when the output must catch up first. */
  private body(bytes: Buffer): Promise<void> | undefined {
    if (this.mode === BodyMode.Write) {
      const full = this.inode!.size - this.inode!.tail;
      const at = this.received;
      this.received += bytes.length;
      if (this.received <= full) return this.writer.write(bytes);
      if (at >= full) return this.tails.append(bytes);
      return this.split(bytes, full - at);
    }
    if (this.mode === BodyMode.Compare) return this.compare(bytes);
    return undefined;
  }

  /** A chunk that holds the end of the whole blocks and the start of the tail. */
  private async split(bytes: Buffer, blocks: number): Promise<void> {
    const wait = this.writer.write(bytes.subarray(0, blocks));
    if (wait) await wait;
    await this.tails.append(bytes.subarray(blocks));
  }

  private async compare(bytes: Buffer): Promise<void> {
    const inode = this.inode!;
    const at = this.received;
    this.received += bytes.length;
    if (!this.same) return;
    const full = inode.size - inode.tail;
    const head = Math.max(0, Math.min(bytes.length, full - at));
    if (head > 0 && !(await this.writer.readAt(inode.block * BLOCK + at, head)).equals(bytes.subarray(0, head))) this.same = false;
    if (head < bytes.length && !(await this.tails.read(inode.tailAt + at + head - full, bytes.length - head)).equals(bytes.subarray(head))) this.same = false;
  }

  private async endEntry(): Promise<void> {
    const mode = this.mode;
    this.mode = BodyMode.Skip;
    const inode = this.inode;
    this.inode = null;
    if (mode === BodyMode.Compare) {
      if (!this.same) throw conflict();
      return;
    }
    if (mode !== BodyMode.Write || !inode) return;
    if (this.received !== inode.size) throw new InputError(`body has ${this.received} bytes, header says ${inode.size} (truncated?)`);
    if (inode.size === inode.tail) return; // empty, or all of it inline
    this.writer.padToBlock();
    inode.block = this.start / BLOCK;
  }

  private lookup(path: string): Inode | DirNode | undefined {
    const dir = this.dirs.get(path);
    if (dir) return dir;
    return this.dirs.get(parentPath(path))?.children.get(baseName(path));
  }

  /** The directory at `path`, creating missing parents as implicit directories. */
  private ensureDir(path: string, what: string): DirNode {
    const known = this.dirs.get(path);
    if (known) return known;
    const parent = this.ensureDir(parentPath(path), what);
    const name = checkedNameLength(baseName(path));
    if (parent.children.has(name)) {
      throw new InputError(`${what} ${JSON.stringify(path)} is not a directory in an earlier entry`);
    }
    const dir = newDir(parent, this.options.defaultMtime);
    parent.children.set(name, dir);
    this.dirs.set(path, dir);
    return dir;
  }
}

/** PATH_MAX - 1: the kernel reads a non-inline EROFS symlink through one page. */
const SYMLINK_MAX = 4095;

/** What the current entry's body is for. */
const BodyMode = { Skip: 0, Write: 1, Compare: 2 } as const;

function conflict(): InputError {
  return new InputError('conflicts with an earlier file of the same path (different metadata or content)');
}

function sameMeta(a: Inode | DirNode, b: Inode): boolean {
  if (isDir(a)) return false;
  return a.kind === b.kind && a.perm === b.perm && a.uid === b.uid && a.gid === b.gid && a.mtime === b.mtime
    && (a.target === b.target || (a.target !== undefined && b.target !== undefined && a.target.equals(b.target)))
    && a.devMajor === b.devMajor && a.devMinor === b.devMinor;
}
