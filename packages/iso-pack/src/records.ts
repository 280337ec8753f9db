/**
 * The directory extents of both trees, written straight into the metadata buffer. The same code
 * sizes a directory (out = null) and writes it, so the two passes cannot disagree. Records whose
 * Rock Ridge fields fit in the record (nearly all) are encoded in place; the rest go through
 * placeSystemUse, which spills into continuation areas.
 */
import { encodeName, nameByteLength, writeName } from '@c2w/streams';
import { FLAG_DIRECTORY, FLAG_MULTI_EXTENT, SECTION, systemUseBudget } from './dir-record.js';
import { BLOCK, both16, both32, date7 } from './iso-bytes.js';
import { er, nm, pn, px, sl, sp, tf } from './rock-ridge.js';
import { type ContinuationArea, placeSystemUse } from './system-use.js';
import { dirPath, isDir, type DirNode, type Inode } from './tree.js';

const TYPE_BITS: Record<string, number> = { dir: 0o040000, file: 0o100000, symlink: 0o120000, char: 0o020000, block: 0o060000, fifo: 0o010000 };
// Identifiers of "." and "..": one byte, 0 and 1 (latin1 strings, like every ISO identifier here).
const DOT_ID = '\u0000';
const DOTDOT_ID = '\u0001';
// PX (44 bytes) and TF (26) are in every record; NM of up to 250 bytes is one field.
const PX_TF = 44 + 26;
const NM_MAX = 250;

/** Records into one directory extent: never across a block; written only when `out` is set. */
class Packer {
  private at = 0;
  constructor(readonly out: Buffer | null, private readonly base: number) {}

  place(length: number): number {
    if ((this.at % BLOCK) + length > BLOCK) this.at += BLOCK - (this.at % BLOCK);
    const at = this.at;
    this.at += length;
    return this.base + at;
  }

  get size(): number {
    return Math.ceil(this.at / BLOCK) * BLOCK;
  }
}

function nlinkOf(node: Inode | DirNode): number {
  return isDir(node) ? 2 + node.layout!.subdirs : node.nlink;
}

/** Rock Ridge fields of one record, as separate buffers (the slow path). */
function rockRidge(node: Inode | DirNode, name: string | null, rootDot: boolean): Buffer[] {
  const fields: Buffer[] = [];
  if (rootDot) fields.push(sp());
  fields.push(px(TYPE_BITS[node.kind]! | node.perm, nlinkOf(node), node.uid, node.gid, node.ino));
  fields.push(tf(node.mtime));
  if (!isDir(node)) {
    if (node.kind === 'char' || node.kind === 'block') fields.push(pn(node.devMajor ?? 0, node.devMinor ?? 0));
    if (node.kind === 'symlink') fields.push(...sl(node.target ?? ''));
  }
  if (name !== null) fields.push(...nm(encodeName(name)));
  if (rootDot) fields.push(er());
  return fields;
}

/** One ISO 9660 record with Rock Ridge; `what` names the entry in messages. */
function isoRecord(p: Packer, area: ContinuationArea, extent: number, size: number, flags: number, id: string, version: boolean, node: Inode | DirNode, name: string | null, rootDot: boolean, dir: DirNode): void {
  const idLength = id.length + (version ? 2 : 0);
  const budget = systemUseBudget(idLength);
  let nameBytes = 0;
  let links: Buffer[] | null = null;
  let suLength = -1;
  if (!rootDot && (name === null || (nameBytes = nameByteLength(name)) <= NM_MAX)) {
    suLength = PX_TF + (name === null ? 0 : 5 + nameBytes);
    if (!isDir(node)) {
      if (node.kind === 'char' || node.kind === 'block') suLength += 20;
      else if (node.kind === 'symlink') {
        links = sl(node.target ?? '');
        for (const f of links) suLength += f.length;
      }
    }
    if (suLength > budget) suLength = -1;
  }
  const su = suLength < 0 ? placeSystemUse(rockRidge(node, name, rootDot), budget, area, entryPath(dir, name)) : null;
  if (su) suLength = su.length;
  const pad = idLength % 2 === 0 ? 1 : 0;
  const length = 33 + idLength + pad + suLength;
  const at = p.place(length + (length % 2));
  const out = p.out;
  if (!out) return;
  out[at] = length + (length % 2);
  both32(out, at + 2, extent);
  both32(out, at + 10, size);
  date7(out, at + 18, node.mtime);
  out[at + 25] = flags;
  both16(out, at + 28, 1);
  out[at + 32] = idLength;
  out.write(id, at + 33, id.length, 'latin1');
  if (version) { out[at + 33 + id.length] = 0x3b; out[at + 34 + id.length] = 0x31; } // ";1"
  let o = at + 33 + idLength + pad;
  if (su) {
    su.copy(out, o);
    return;
  }
  // PX, TF, [PN], [SL...], [NM]: the bytes rock-ridge.ts would build, in its order.
  out[o] = 0x50; out[o + 1] = 0x58; out[o + 2] = 44; out[o + 3] = 1;
  both32(out, o + 4, TYPE_BITS[node.kind]! | node.perm);
  both32(out, o + 12, nlinkOf(node));
  both32(out, o + 20, node.uid);
  both32(out, o + 28, node.gid);
  both32(out, o + 36, node.ino);
  o += 44;
  out[o] = 0x54; out[o + 1] = 0x46; out[o + 2] = 26; out[o + 3] = 1; out[o + 4] = 0x0e;
  out.copy(out, o + 5, at + 18, at + 25);
  out.copy(out, o + 12, at + 18, at + 25);
  out.copy(out, o + 19, at + 18, at + 25);
  o += 26;
  if (!isDir(node)) {
    if (node.kind === 'char' || node.kind === 'block') {
      pn(node.devMajor ?? 0, node.devMinor ?? 0).copy(out, o);
      o += 20;
    } else if (links) {
      for (const f of links) { f.copy(out, o); o += f.length; }
    }
  }
  if (name !== null) {
    out[o] = 0x4e; out[o + 1] = 0x4d; out[o + 2] = 5 + nameBytes; out[o + 3] = 1; out[o + 4] = 0;
    writeName(out, name, o + 5, nameBytes);
  }
}

/** The path of a record's entry for messages ('.' and '..': the directory's own). */
function entryPath(dir: DirNode, name: string | null): string {
  const where = dirPath(dir);
  return name === null ? where : `${where === '/' ? '' : where}/${name}`;
}

/**
 * The ISO 9660 directory `d` ("." and ".." first, then the children in identifier order);
 * returns its size in bytes (whole blocks). Continuation areas are allocated from `area`.
 */
export function isoDirectory(d: DirNode, area: ContinuationArea, out: Buffer | null, base = 0): number {
  const p = new Packer(out, base);
  const parent = d.parent ?? d;
  isoRecord(p, area, d.extent, d.size, FLAG_DIRECTORY, DOT_ID, false, d, null, d.parent === null, d);
  isoRecord(p, area, parent.extent, parent.size, FLAG_DIRECTORY, DOTDOT_ID, false, parent, null, false, d);
  for (const c of d.layout!.iso) {
    const node = c.node;
    if (isDir(node)) {
      isoRecord(p, area, node.extent, node.size, FLAG_DIRECTORY, c.isoId, false, node, c.name, false, d);
      continue;
    }
    const size = node.kind === 'file' ? node.size : 0;
    if (size < 2 ** 32) {
      isoRecord(p, area, node.extent, size, 0, c.isoId, true, node, c.name, false, d);
      continue;
    }
    // Files of 4 GiB and more: one record per section, all but the last flagged multi-extent.
    for (let off = 0; off < size; off += SECTION) {
      const last = off + SECTION >= size;
      isoRecord(p, area, node.extent + off / BLOCK, Math.min(SECTION, size - off), last ? 0 : FLAG_MULTI_EXTENT, c.isoId, true, node, c.name, false, d);
    }
  }
  return p.size;
}

/** One Joliet record: UCS-2 identifier (one byte for "." and ".."; files end in ";1"), no System Use. */
function jolietRecord(p: Packer, extent: number, size: number, mtime: number, flags: number, id: string, wide: boolean, version = false): void {
  const idLength = wide ? 2 * (id.length + (version ? 2 : 0)) : 1;
  const pad = idLength % 2 === 0 ? 1 : 0;
  const length = 33 + idLength + pad;
  const at = p.place(length + (length % 2));
  const out = p.out;
  if (!out) return;
  out[at] = length + (length % 2);
  both32(out, at + 2, extent);
  both32(out, at + 10, size);
  date7(out, at + 18, mtime);
  out[at + 25] = flags;
  both16(out, at + 28, 1);
  out[at + 32] = idLength;
  if (!wide) out[at + 33] = id.charCodeAt(0);
  else {
    for (let i = 0; i < id.length; i++) out.writeUInt16BE(id.charCodeAt(i), at + 33 + 2 * i);
    if (version) { out[at + 34 + 2 * id.length] = 0x3b; out[at + 36 + 2 * id.length] = 0x31; } // ";1" (high bytes zero)
  }
}

/** The Joliet directory `d`; returns its size in bytes (whole blocks). */
export function jolietDirectory(d: DirNode, out: Buffer | null, base = 0): number {
  const p = new Packer(out, base);
  const parent = d.parent ?? d;
  jolietRecord(p, d.jExtent, d.jSize, d.mtime, FLAG_DIRECTORY, DOT_ID, false);
  jolietRecord(p, parent.jExtent, parent.jSize, parent.mtime, FLAG_DIRECTORY, DOTDOT_ID, false);
  for (const c of d.layout!.joliet) {
    const node = c.node;
    if (isDir(node)) {
      jolietRecord(p, node.jExtent, node.jSize, node.mtime, FLAG_DIRECTORY, c.jId, true);
      continue;
    }
    if (node.size < 2 ** 32) {
      jolietRecord(p, node.extent, node.size, node.mtime, 0, c.jId, true, true);
      continue;
    }
    for (let off = 0; off < node.size; off += SECTION) {
      const last = off + SECTION >= node.size;
      jolietRecord(p, node.extent + off / BLOCK, Math.min(SECTION, node.size - off), node.mtime, last ? 0 : FLAG_MULTI_EXTENT, c.jId, true, true);
    }
  }
  return p.size;
}
