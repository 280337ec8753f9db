import type { FileHandle } from 'node:fs/promises';
import { DOT, DOTDOT, FLAG_DIRECTORY, FLAG_MULTI_EXTENT, dirRecord, directorySize, packDirectory, sections, systemUseBudget } from './dir-record.js';
import { BLOCK, blocksFor, ucs2 } from './iso-bytes.js';
import { isoIdentifiers } from './iso-names.js';
import { jolietIdentifiers } from './joliet-names.js';
import { pathTable } from './path-table.js';
import { er, nm, pn, px, sl, sp, tf } from './rock-ridge.js';
import { ContinuationArea, placeSystemUse } from './system-use.js';
import { dirPath, isDir, sortedChildren, type Child, type DirNode, type Inode } from './tree.js';
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

const TYPE_BITS: Record<string, number> = { dir: 0o040000, file: 0o100000, symlink: 0o120000, char: 0o020000, block: 0o060000, fifo: 0o010000 };
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
  /** Continuation blocks of each directory, written right after its records (as libisofs does):
   * libarchive reads forwards and must meet a CE area before the entries it describes. */
  private readonly ceBlocks = new Map<DirNode, number>();

  constructor(private readonly root: DirNode, private readonly opts: MetadataOptions) {
    numberInodes(root);
    this.isoDirs = nameIsoTree(root);
    this.jDirs = opts.joliet ? nameJolietTree(root, opts) : [];
    let blocks = 0;
    for (const d of this.isoDirs) {
      const sizing = new ContinuationArea(0, false);
      d.size = directorySize(isoRecords(d, sizing).map((r) => r.length));
      this.ceBlocks.set(d, sizing.blockCount);
      blocks += d.size / BLOCK + sizing.blockCount;
    }
    for (const d of this.jDirs) { d.jSize = directorySize(jolietRecords(d).map((r) => r.length)); blocks += d.jSize / BLOCK; }
    blocks += 2 * blocksFor(pathTableSize(this.isoDirs, (d) => childOf(d).isoId.length));
    if (opts.joliet) blocks += 2 * blocksFor(pathTableSize(this.jDirs, (d) => 2 * childOf(d).jId.length));
    this.blocks = blocks;
  }

  /** Writes the metadata at `firstBlock` and the volume descriptors at block 16. */
  async write(handle: FileHandle, firstBlock: number, volumeBlocks: number): Promise<void> {
    const { isoDirs, jDirs, root, opts } = this;
    let next = firstBlock;
    for (const d of isoDirs) { d.extent = next; next += d.size / BLOCK + this.ceBlocks.get(d)!; }
    for (const d of jDirs) { d.jExtent = next; next += d.jSize / BLOCK; }
    const isoTables = pathTables(isoDirs, (d) => (d.parent ? Buffer.from(childOf(d).isoId, 'latin1') : DOT), (d) => d.extent, (d) => d.number);
    const jTables = opts.joliet ? pathTables(jDirs, (d) => (d.parent ? ucs2(childOf(d).jId) : DOT), (d) => d.jExtent, (d) => d.jNumber) : null;
    const isoL = next; const isoM = isoL + blocksFor(isoTables.l.length); next = isoM + blocksFor(isoTables.l.length);
    const jL = next; const jM = jL + (jTables ? blocksFor(jTables.l.length) : 0); next = jM + (jTables ? blocksFor(jTables.l.length) : 0);

    const out = new SequentialWriter(handle, firstBlock);
    for (const d of isoDirs) {
      const area = new ContinuationArea(d.extent + d.size / BLOCK, true);
      await out.write(packDirectory(isoRecords(d, area)));
      if (area.blockCount !== this.ceBlocks.get(d)) throw new Error(`layout mismatch in ${dirPath(d)}: ${area.blockCount} continuation blocks, planned ${this.ceBlocks.get(d)}`);
      for (const b of area.contents()) await out.write(b);
    }
    for (const d of jDirs) await out.write(packDirectory(jolietRecords(d)));
    await out.write(padBlock(isoTables.l));
    await out.write(padBlock(isoTables.m));
    if (jTables) { await out.write(padBlock(jTables.l)); await out.write(padBlock(jTables.m)); }
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

const isoOrder = new WeakMap<DirNode, Child[]>();
const jolietOrder = new WeakMap<DirNode, Child[]>();
const childOfDir = new WeakMap<DirNode, Child>();

function childOf(d: DirNode): Child {
  return childOfDir.get(d)!;
}

/** Inode serial numbers in depth-first name order; hardlinks share their first number. */
function numberInodes(root: DirNode): void {
  let next = 1;
  const seen = new Set<Inode>();
  const visit = (d: DirNode): void => {
    d.ino = next++;
    for (const c of sortedChildren(d)) {
      if (isDir(c.node)) { childOfDir.set(c.node, c); visit(c.node); }
      else if (!seen.has(c.node)) { seen.add(c.node); c.node.ino = next++; }
    }
  };
  visit(root);
}

function nameIsoTree(root: DirNode): DirNode[] {
  const dirs: DirNode[] = [root];
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]!;
    d.number = i + 1;
    const kids = sortedChildren(d);
    const ids = isoIdentifiers(kids.map((c) => ({ name: c.name, isDir: isDir(c.node) })));
    kids.forEach((c, k) => { c.isoId = ids[k]!; });
    kids.sort((a, b) => (a.isoId < b.isoId ? -1 : a.isoId > b.isoId ? 1 : 0));
    isoOrder.set(d, kids);
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
    const kids = sortedChildren(d).filter((c) => isDir(c.node) || c.node.kind === 'file');
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
    jolietOrder.set(d, kept);
    for (const c of kept) if (isDir(c.node)) dirs.push(c.node);
  }
  if (omitted > 0) opts.warn(`${omitted} entries left out of the Joliet tree: their Joliet path exceeds ${JOLIET_PATH_BYTES} bytes (use --joliet-long)`);
  return dirs;
}

// --- records ---------------------------------------------------------------------------------

function rockRidge(node: Inode | DirNode, name: string | null, rootDot: boolean): Buffer[] {
  const fields: Buffer[] = [];
  if (rootDot) fields.push(sp());
  const nlink = isDir(node) ? 2 + [...node.children.values()].filter((c) => isDir(c.node)).length : node.nlink;
  fields.push(px(TYPE_BITS[node.kind]! | node.perm, nlink, node.uid, node.gid, node.ino));
  fields.push(tf(node.mtime));
  if (!isDir(node)) {
    if (node.kind === 'char' || node.kind === 'block') fields.push(pn(node.devMajor ?? 0, node.devMinor ?? 0));
    if (node.kind === 'symlink') fields.push(...sl(node.target ?? ''));
  }
  if (name !== null) fields.push(...nm(Buffer.from(name)));
  if (rootDot) fields.push(er());
  return fields;
}

function isoRecords(d: DirNode, area: ContinuationArea): Buffer[] {
  const where = dirPath(d);
  const parent = d.parent ?? d;
  const records = [
    dirRecord(d.extent, d.size, d.mtime, FLAG_DIRECTORY, DOT, placeSystemUse(rockRidge(d, null, d.parent === null), systemUseBudget(1), area, where)),
    dirRecord(parent.extent, parent.size, parent.mtime, FLAG_DIRECTORY, DOTDOT, placeSystemUse(rockRidge(parent, null, false), systemUseBudget(1), area, where)),
  ];
  for (const c of isoOrder.get(d)!) {
    const node = c.node;
    const what = `${where === '/' ? '' : where}/${c.name}`;
    if (isDir(node)) {
      const id = Buffer.from(c.isoId, 'latin1');
      records.push(dirRecord(node.extent, node.size, node.mtime, FLAG_DIRECTORY, id, placeSystemUse(rockRidge(node, c.name, false), systemUseBudget(id.length), area, what)));
      continue;
    }
    const id = Buffer.from(`${c.isoId};1`, 'latin1');
    const parts = sections(node.extent, node.kind === 'file' ? node.size : 0);
    parts.forEach((s, k) => {
      const flags = k < parts.length - 1 ? FLAG_MULTI_EXTENT : 0;
      records.push(dirRecord(s.extent, s.size, node.mtime, flags, id, placeSystemUse(rockRidge(node, c.name, false), systemUseBudget(id.length), area, what)));
    });
  }
  return records;
}

function jolietRecords(d: DirNode): Buffer[] {
  const parent = d.parent ?? d;
  const none = Buffer.alloc(0);
  const records = [
    dirRecord(d.jExtent, d.jSize, d.mtime, FLAG_DIRECTORY, DOT, none),
    dirRecord(parent.jExtent, parent.jSize, parent.mtime, FLAG_DIRECTORY, DOTDOT, none),
  ];
  for (const c of jolietOrder.get(d)!) {
    const node = c.node;
    if (isDir(node)) {
      records.push(dirRecord(node.jExtent, node.jSize, node.mtime, FLAG_DIRECTORY, ucs2(c.jId), none));
      continue;
    }
    const id = ucs2(`${c.jId};1`);
    const parts = sections(node.extent, node.size);
    parts.forEach((s, k) => records.push(dirRecord(s.extent, s.size, node.mtime, k < parts.length - 1 ? FLAG_MULTI_EXTENT : 0, id, none)));
  }
  return records;
}

function pathTables(dirs: DirNode[], id: (d: DirNode) => Buffer, extent: (d: DirNode) => number, number: (d: DirNode) => number): { l: Buffer; m: Buffer } {
  const rows = dirs.map((d) => ({ id: id(d), extent: extent(d), parent: number(d.parent ?? d) }));
  return { l: pathTable(rows, false), m: pathTable(rows, true) };
}

function padBlock(buf: Buffer): Buffer {
  const rest = buf.length % BLOCK;
  return rest === 0 ? buf : Buffer.concat([buf, Buffer.alloc(BLOCK - rest)]);
}

async function writeFully(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) done += (await handle.write(buf, done, buf.length - done, position + done)).bytesWritten;
}

/** Collects consecutive metadata blocks into large positional writes. */
class SequentialWriter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  private position: number;

  constructor(private readonly handle: FileHandle, startBlock: number) {
    this.position = startBlock * BLOCK;
  }

  get block(): number {
    return (this.position + this.pendingBytes) / BLOCK;
  }

  async write(buf: Buffer): Promise<void> {
    this.parts.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= 8 * 1024 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.concat(this.parts);
    await writeFully(this.handle, buf, this.position);
    this.position += buf.length;
    this.parts = [];
    this.pendingBytes = 0;
  }
}
