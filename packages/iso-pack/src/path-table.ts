/**
 * ECMA-119 9.4 path tables. Parent numbers are 16-bit: in a tree of more than 65,535 directories
 * they are clamped to 65535, as the Linux kernel and libarchive never read path tables (xorriso
 * writes such tables the same way); directory records stay exact.
 */
export interface PathRow { id: Buffer; extent: number; parent: number }

export function pathTable(rows: PathRow[], bigEndian: boolean): Buffer {
  let size = 0;
  for (const r of rows) size += 8 + r.id.length + (r.id.length % 2);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const r of rows) {
    out[at] = r.id.length;
    if (bigEndian) {
      out.writeUInt32BE(r.extent, at + 2);
      out.writeUInt16BE(Math.min(r.parent, 0xffff), at + 6);
    } else {
      out.writeUInt32LE(r.extent, at + 2);
      out.writeUInt16LE(Math.min(r.parent, 0xffff), at + 6);
    }
    r.id.copy(out, at + 8);
    at += 8 + r.id.length + (r.id.length % 2);
  }
  return out;
}
