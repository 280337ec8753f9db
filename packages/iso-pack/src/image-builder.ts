import { createHash, type Hash } from 'node:crypto';
import { InputError, withContext } from '@c2w/errors';
import { archivePath, baseName, parentPath, readTar, type TarHeader } from '@c2w/streams';
import type { BlockWriter } from './block-writer.js';
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
    for await (const { header, body } of readTar(source, what)) {
      let name = header.name;
      try {
        name = archivePath(header.name);
        const path = join(graft, name);
        await this.addEntry(path, graft, header, body);
        this.entries++;
      } catch (err) {
        throw withContext(`${what}: entry ${JSON.stringify(name)}`, bodyError(err));
      }
    }
  }

  private async addEntry(path: string, graft: string, header: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    const kind = KINDS[header.type];
    if (kind === undefined) {
      this.options.warn(`skipping ${JSON.stringify(path)}: tar entry type ${header.type} has no ISO 9660 form`);
      return;
    }
    if ((header.mode & 0o170000) === 0o140000) {
      this.options.warn(`skipping socket ${JSON.stringify(path)}`);
      return;
    }
    const meta = { perm: header.mode & 0o7777, uid: header.uid, gid: header.gid, mtime: seconds(header.mtime) };
    if (kind === 'dir') {
      const dir = this.ensureDir(path, 'entry');
      Object.assign(dir, meta, { explicit: true });
      return;
    }
    if (path === graft) throw new InputError(`${header.type} at the root, expected a directory`);
    const parent = this.ensureDir(parentPath(path), 'parent');
    const name = baseName(path);
    const existing = parent.children.get(name);
    if (existing && isDir(existing.node)) throw new InputError(`conflicts with an earlier directory of the same path`);

    if (kind === 'link') {
      const targetPath = join(graft, archivePath(header.linkname ?? '', 'hardlink target'));
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

    const inode: Inode = { kind, ...meta, nlink: 1, ino: 0, extent: 0, size: 0 };
    if (kind === 'symlink') {
      if (!header.linkname) throw new InputError('symlink with an empty target');
      inode.target = header.linkname;
    } else if (kind === 'char' || kind === 'block') {
      inode.devMajor = header.devmajor ?? 0;
      inode.devMinor = header.devminor ?? 0;
    }
    if (kind === 'file') {
      if (existing) {
        if (!sameMeta(existing.node, inode) || existing.node.size !== header.size || !(await this.sameContent(existing.node, body))) {
          throw new InputError('conflicts with an earlier file of the same path (different metadata or content)');
        }
        return;
      }
      await this.writeBody(inode, header.size, body);
    } else if (existing) {
      if (sameMeta(existing.node, inode)) return;
      throw new InputError('conflicts with an earlier entry of the same path');
    }
    parent.children.set(name, child(name, inode));
  }

  private async writeBody(inode: Inode, declared: number, body: AsyncIterable<Buffer>): Promise<void> {
    const start = this.writer.position;
    const hash: Hash | null = this.options.dedupe ? createHash('sha256') : null;
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      hash?.update(chunk);
      await this.writer.write(chunk);
    }
    if (size !== declared) throw new InputError(`body has ${size} bytes, header says ${declared} (truncated?)`);
    inode.size = size;
    if (size === 0) return;
    this.writer.padToBlock();
    const key = hash ? `${size}:${hash.digest('base64')}` : '';
    const earlier = hash ? this.byContent.get(key) : undefined;
    if (earlier) {
      await this.writer.rewind(start);
      inode.extent = earlier.block;
      earlier.owners.push(inode);
      return;
    }
    inode.extent = start / BLOCK;
    const extent = { block: inode.extent, blocks: blocksFor(size), owners: [inode] };
    this.extents.push(extent);
    if (hash) this.byContent.set(key, extent);
  }

  private async sameContent(node: Inode | DirNode, body: AsyncIterable<Buffer>): Promise<boolean> {
    if (isDir(node)) return false;
    let offset = node.extent * BLOCK;
    let same = true;
    for await (const chunk of body) {
      if (same && !(await this.writer.readAt(offset, chunk.length)).equals(chunk)) same = false;
      offset += chunk.length;
    }
    return same;
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

/** tar-stream reports a body cut short through the body stream, beyond readTar's translation. */
function bodyError(err: unknown): unknown {
  if (err instanceof Error && !(err instanceof InputError) && /Unexpected end of data/.test(err.message)) {
    return new InputError('tar stream is truncated (unexpected end of data)', { cause: err });
  }
  return err;
}

function child(name: string, node: Inode | DirNode): Child {
  return { name, node, isoId: '', jId: '' };
}

function join(graft: string, path: string): string {
  if (graft === '') return path;
  return path === '' ? graft : `${graft}/${path}`;
}

function seconds(mtime: Date | undefined): number {
  const t = mtime?.getTime() ?? 0;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

function sameMeta(a: Inode | DirNode, b: Inode): boolean {
  if (isDir(a)) return false;
  return a.kind === b.kind && a.perm === b.perm && a.uid === b.uid && a.gid === b.gid && a.mtime === b.mtime
    && a.target === b.target && a.devMajor === b.devMajor && a.devMinor === b.devMinor;
}
