/** ECMA-119 9.1 directory records and their packing into directory extents (9.1, 6.8.1.1). */
import { BLOCK, both16, both32, date7 } from './iso-bytes.js';

export const FLAG_DIRECTORY = 0x02;
export const FLAG_MULTI_EXTENT = 0x80;
/** Largest section of a multi-extent file: the biggest block multiple below 4 GiB. */
export const SECTION = 0xfffff800;

export const DOT = Buffer.from([0]);
export const DOTDOT = Buffer.from([1]);

/** Bytes left for System Use fields in a record with an identifier of `idLength` bytes; records
 * have an even length that fits the one-byte length field, so at most 254. */
export function systemUseBudget(idLength: number): number {
  return 254 - (33 + idLength + (idLength % 2 === 0 ? 1 : 0));
}

export function dirRecord(extent: number, size: number, mtime: number, flags: number, id: Buffer, su: Buffer): Buffer {
  const pad = id.length % 2 === 0 ? 1 : 0;
  const length = 33 + id.length + pad + su.length;
  const rec = Buffer.alloc(length + (length % 2));
  rec[0] = rec.length;
  both32(rec, 2, extent);
  both32(rec, 10, size);
  date7(rec, 18, mtime);
  rec[25] = flags;
  both16(rec, 28, 1);
  rec[32] = id.length;
  id.copy(rec, 33);
  su.copy(rec, 33 + id.length + pad);
  return rec;
}

/** Size of a directory extent holding records of these lengths: a record never crosses a block. */
export function directorySize(lengths: Iterable<number>): number {
  let size = 0;
  for (const n of lengths) {
    if ((size % BLOCK) + n > BLOCK) size += BLOCK - (size % BLOCK);
    size += n;
  }
  return Math.ceil(size / BLOCK) * BLOCK;
}

export function packDirectory(records: Buffer[]): Buffer {
  const out = Buffer.alloc(directorySize(records.map((r) => r.length)));
  let at = 0;
  for (const r of records) {
    if ((at % BLOCK) + r.length > BLOCK) at += BLOCK - (at % BLOCK);
    r.copy(out, at);
    at += r.length;
  }
  return out;
}

/** Extent and length of each section of a file (one unless it is 4 GiB or more). */
export function sections(extent: number, size: number): Array<{ extent: number; size: number }> {
  if (size < 2 ** 32) return [{ extent, size }];
  const out: Array<{ extent: number; size: number }> = [];
  for (let off = 0; off < size; off += SECTION) {
    out.push({ extent: extent + off / BLOCK, size: Math.min(SECTION, size - off) });
  }
  return out;
}
