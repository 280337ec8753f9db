import type { FileHandle } from 'node:fs/promises';
import { DOT, FLAG_DIRECTORY, dirRecord } from './dir-record.js';
import { BLOCK, blocksFor, ucs2 } from './iso-bytes.js';
import { isoIdentifiers } from './iso-names.js';
import { jolietIdentifiers } from './joliet-names.js';
import { pathTable } from './path-table.js';
import { isoDirectory, jolietDirectory } from './records.js';
import { ContinuationArea } from './system-use.js';
import { dirPath, isDir, sortedChildren, type Child, type DirNode } from './tree.js';
import { terminator, volumeDescriptor } from './volume-descriptors.js';

export interface MetadataOptions {
  volumeId: string;
  created: number;
  joliet: boolean;
  /** 103-character Joliet names and no 240-byte Joliet path limit. */
  jolietLong: boolean;
  warn: (message: string) => void;
}

/** Blocks before the metadata: system area (16 blocks), then PVD, [Joliet SVD], terminator. */
export function reservedBlocks(joliet: boolean): number {
  return 16 + (joliet ? 3 : 2);
}

const JOLIET_PATH_BYTES = 240;

/**
 * Everything but file data: ISO 9660 directories with Rock Ridge, their continuation areas, the
 * Joliet directories and the four path tables, laid out contiguously from one block. Record sizes
 * never depend on locations, so the size is known before any file extent is final.
 */
export class MetadataPlan {
  readonly blocks: number;
  private readonly isoDirs: DirNode[];
  private readonly jDirs: DirNode[];

  constructor(private readonly root: DirNode, private readonly opts: MetadataOptions) {
    sortTree(root);
    numberInodes(root);
    this.isoDirs = nameIsoTree(root);
    this.jDirs = opts.joliet ? nameJolietTree(root, opts) : [];
    for (const d of this.isoDirs) d.layout!.sorted = [];
    let blocks = 0;
    // Continuation blocks of each directory are written right after its records (as libisofs
    // does): libarchive reads forwards and must meet a CE area before the entries it describes.
    for (const d of this.isoDirs) {
      const sizing = new ContinuationArea(0, false);
      d.size = isoDirectory(d, sizing, null);
      d.layout!.ceBlocks = sizing.blockCount;
      blocks += d.size / BLOCK + sizing.blockCount;
    }
    for (const d of this.jDirs) { d.jSize = jolietDirectory(d, null); blocks += d.jSize / BLOCK; }
    blocks += 2 * blocksFor(pathTableSize(this.isoDirs, (d) => childOf(d).isoId.length));
    if (opts.joliet) blocks += 2 * blocksFor(pathTableSize(this.jDirs, (d) => 2 * childOf(d).jId.length));
    this.blocks = blocks;
  }

  /** Writes the metadata at `firstBlock` and the volume descriptors at block 16. */
  async write(handle: FileHandle, firstBlock: number, volumeBlocks: number, scratch?: Buffer): Promise<void> {
    const { isoDirs, jDirs, root, opts } = this;
    let next = firstBlock;
    for (const d of isoDirs) { d.extent = next; next += d.size / BLOCK + d.layout!.ceBlocks; }
    for (const d of jDirs) { d.jExtent = next; next += d.jSize / BLOCK; }
    const isoTables = pathTables(isoDirs, (d) => (d.parent ? Buffer.from(childOf(d).isoId, 'latin1') : DOT), (d) => d.extent, (d) => d.number);
    const jTables = opts.joliet ? pathTables(jDirs, (d) => (d.parent ? ucs2(childOf(d).jId) : DOT), (d) => d.jExtent, (d) => d.jNumber) : null;
    const isoL = next; const isoM = isoL + blocksFor(isoTables.l.length); next = isoM + blocksFor(isoTables.l.length);
    const jL = next; const jM = jL + (jTables ? blocksFor(jTables.l.length) : 0); next = jM + (jTables ? blocksFor(jTables.l.length) : 0);

    const out = new MetadataWriter(handle, firstBlock, scratch);
    for (const d of isoDirs) {
      const area = new ContinuationArea(d.extent + d.size / BLOCK, true);
      const [buf, at] = await out.reserve(d.size);
      if (isoDirectory(d, area, buf, at) !== d.size) throw new Error(`layout mismatch in ${dirPath(d)}: directory size changed`);
      if (area.blockCount !== d.layout!.ceBlocks) throw new Error(`layout mismatch in ${dirPath(d)}: ${area.blockCount} continuation blocks, planned ${d.layout!.ceBlocks}`);
      for (const b of area.contents()) await out.put(b);
    }
    for (const d of jDirs) {
      const [buf, at] = await out.reserve(d.jSize);
      if (jolietDirectory(d, buf, at) !== d.jSize) throw new Error(`layout mismatch in Joliet ${dirPath(d)}: directory size changed`);
    }
    await out.put(isoTables.l);
    await out.put(isoTables.m);
    if (jTables) { await out.put(jTables.l); await out.put(jTables.m); }
    await out.flush();
    if (out.block !== firstBlock + this.blocks) throw new Error(`layout mismatch: metadata ends at block ${out.block}, planned ${firstBlock + this.blocks}`);

    const rootRecord = (extent: number, size: number): Buffer => dirRecord(extent, size, root.mtime, FLAG_DIRECTORY, DOT, Buffer.alloc(0));
    const descriptors = [volumeDescriptor({ volumeId: opts.volumeId, volumeBlocks, pathTableSize: isoTables.l.length, lPathTable: isoL, mPathTable: isoM, rootRecord: rootRecord(root.extent, root.size), created: opts.created, joliet: false })];
    if (jTables) descriptors.push(volumeDescriptor({ volumeId: opts.volumeId.slice(0, 16), volumeBlocks, pathTableSize: jTables.l.length, lPathTable: jL, mPathTable: jM, rootRecord: rootRecord(root.jExtent, root.jSize), created: opts.created, joliet: true }));
    descriptors.push(terminator());
    await writeFully(handle, Buffer.concat(descriptors), 16 * BLOCK);
  }
}

function pathTableSize(dirs: DirNode[], idLength: (d: DirNode) => number): number {
  let size = 0;
  for (const d of dirs) { const n = d.parent ? idLength(d) : 1; size += 8 + n + (n % 2); }
  return size;
}

// --- names and order -------------------------------------------------------------------------

function childOf(d: DirNode): Child {
  return d.layout!.self!;
}

/** Sorts every directory once (Rock Ridge name byte order) and counts its subdirectories. */
function sortTree(root: DirNode): void {
  const stack: Array<[DirNode, Child | null]> = [[root, null]];
  while (stack.length > 0) {
    const [d, self] = stack.pop()!;
    const sorted = sortedChildren(d);
    let subdirs = 0;
    for (const c of sorted) if (isDir(c.node)) { subdirs++; stack.push([c.node, c]); }
    d.layout = { sorted, iso: [], joliet: [], self, subdirs, ceBlocks: 0 };
  }
}

/** Inode serial numbers in depth-first name order; hardlinks share their first number. */
function numberInodes(root: DirNode): void {
  let next = 1;
  const visit = (d: DirNode): void => {
    d.ino = next++;
    for (const c of d.layout!.sorted) {
      if (isDir(c.node)) visit(c.node);
      else if (c.node.ino === 0) c.node.ino = next++; // 0: not numbered yet (a hardlink seen first here)
    }
  };
  visit(root);
}

function nameIsoTree(root: DirNode): DirNode[] {
  const dirs: DirNode[] = [root];
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]!;
    d.number = i + 1;
    const kids = d.layout!.sorted.slice();
    const ids = isoIdentifiers(kids.map((c) => ({ name: c.name, isDir: isDir(c.node) })));
    kids.forEach((c, k) => { c.isoId = ids[k]!; });
    kids.sort((a, b) => (a.isoId < b.isoId ? -1 : a.isoId > b.isoId ? 1 : 0));
    d.layout!.iso = kids;
    for (const c of kids) if (isDir(c.node)) dirs.push(c.node);
  }
  return dirs;
}

function nameJolietTree(root: DirNode, opts: MetadataOptions): DirNode[] {
  const max = opts.jolietLong ? 103 : 64;
  const dirs: DirNode[] = [root];
  const pathChars = new Map<DirNode, number>([[root, 0]]);
  let omitted = 0;
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]!;
    d.jNumber = i + 1;
    const kids = d.layout!.sorted.filter((c) => isDir(c.node) || c.node.kind === 'file');
    const ids = jolietIdentifiers(kids.map((c) => ({ name: c.name, isDir: isDir(c.node) })), max);
    const base = pathChars.get(d)!;
    const kept: Child[] = [];
    kids.forEach((c, k) => {
      const chars = base + 1 + ids[k]!.length;
      if (!opts.jolietLong && chars * 2 > JOLIET_PATH_BYTES) { omitted++; return; }
      c.jId = ids[k]!;
      kept.push(c);
      if (isDir(c.node)) pathChars.set(c.node, chars);
    });
    kept.sort((a, b) => (a.jId < b.jId ? -1 : a.jId > b.jId ? 1 : 0));
    d.layout!.joliet = kept;
    for (const c of kept) if (isDir(c.node)) dirs.push(c.node);
  }
  if (omitted > 0) opts.warn(`${omitted} ${omitted === 1 ? 'entry' : 'entries'} left out of the Joliet tree: their Joliet path exceeds ${JOLIET_PATH_BYTES} bytes (use --joliet-long)`);
  return dirs;
}

// --- path tables and output ------------------------------------------------------------------

function pathTables(dirs: DirNode[], id: (d: DirNode) => Buffer, extent: (d: DirNode) => number, number: (d: DirNode) => number): { l: Buffer; m: Buffer } {
  const rows = dirs.map((d) => ({ id: id(d), extent: extent(d), parent: number(d.parent ?? d) }));
  return { l: pathTable(rows, false), m: pathTable(rows, true) };
}

async function writeFully(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) done += (await handle.write(buf, done, buf.length - done, position + done)).bytesWritten;
}

/**
 * Metadata goes out through one zeroed 4 MiB buffer that directories are encoded into in place;
 * a directory larger than that gets a buffer of its own. Every piece is padded to whole blocks.
 */
class MetadataWriter {
  private readonly stage: Buffer;
  private fill = 0;
  private big: Buffer | null = null;
  private position: number;

  /** `scratch`: a buffer to reuse (the data writer's), else one is allocated. */
  constructor(private readonly handle: FileHandle, startBlock: number, scratch?: Buffer) {
    this.position = startBlock * BLOCK;
    this.stage = scratch ? scratch.fill(0) : Buffer.alloc(STAGE);
  }

  get block(): number {
    return (this.position + this.fill + (this.big?.length ?? 0)) / BLOCK;
  }

  /** `length` zero bytes (a multiple of BLOCK) to fill in: a buffer and the offset in it. */
  async reserve(length: number): Promise<[Buffer, number]> {
    if (this.big || this.fill + length > this.stage.length) await this.flush();
    if (length > this.stage.length) {
      this.big = Buffer.alloc(length);
      return [this.big, 0];
    }
    const at = this.fill;
    this.fill += length;
    return [this.stage, at];
  }

  /** Copies `buf` in, zero-padded to a whole block. */
  async put(buf: Buffer): Promise<void> {
    const [out, at] = await this.reserve(blocksFor(buf.length) * BLOCK);
    buf.copy(out, at);
  }

  async flush(): Promise<void> {
    if (this.fill > 0) {
      await writeFully(this.handle, this.stage.subarray(0, this.fill), this.position);
      this.position += this.fill;
      this.stage.fill(0, 0, this.fill);
      this.fill = 0;
    }
    if (this.big) {
      await writeFully(this.handle, this.big, this.position);
      this.position += this.big.length;
      this.big = null;
    }
  }
}

const STAGE = 4 * 1024 * 1024;
