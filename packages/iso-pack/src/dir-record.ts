/** ECMA-119 9.1 directory records (the root record of the volume descriptors; records.ts writes the rest in place). */
import { both16, both32, date7 } from './iso-bytes.js';

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
