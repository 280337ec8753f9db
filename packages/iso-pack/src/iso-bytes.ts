/** ECMA-119 number and date encodings (sections 7.2, 7.3, 8.4.26.1, 9.1.5). */

export const BLOCK = 2048;

export function both16(buf: Buffer, off: number, v: number): void {
  buf.writeUInt16LE(v, off);
  buf.writeUInt16BE(v, off + 2);
}

export function both32(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32LE(v >>> 0, off);
  buf.writeUInt32BE(v >>> 0, off + 4);
}

export function blocksFor(bytes: number): number {
  return Math.ceil(bytes / BLOCK);
}

// 7-byte dates count years from 1900 in one byte: clamp rather than wrap outside 1900..2155.
const MIN_SECONDS = Date.UTC(1900, 0, 1) / 1000;
const MAX_SECONDS = Date.UTC(2155, 11, 31, 23, 59, 59) / 1000;

export function clampSeconds(seconds: number): number {
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.floor(seconds)));
}

/** 7-byte recording date (directory records, Rock Ridge TF short form), always UTC. */
export function date7(buf: Buffer, off: number, seconds: number): void {
  const d = new Date(clampSeconds(seconds) * 1000);
  buf[off] = d.getUTCFullYear() - 1900;
  buf[off + 1] = d.getUTCMonth() + 1;
  buf[off + 2] = d.getUTCDate();
  buf[off + 3] = d.getUTCHours();
  buf[off + 4] = d.getUTCMinutes();
  buf[off + 5] = d.getUTCSeconds();
  buf[off + 6] = 0;
}

/** 17-byte volume descriptor date: 16 ASCII digits and a zero GMT offset; null is "not specified". */
export function date17(buf: Buffer, off: number, seconds: number | null): void {
  if (seconds === null) {
    buf.write('0000000000000000', off, 'ascii');
    buf[off + 16] = 0;
    return;
  }
  const d = new Date(Math.min(Date.UTC(9999, 11, 31, 23, 59, 59), Math.max(0, seconds * 1000)));
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  const text = p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1, 2) + p(d.getUTCDate(), 2) + p(d.getUTCHours(), 2)
    + p(d.getUTCMinutes(), 2) + p(d.getUTCSeconds(), 2) + '00';
  buf.write(text, off, 'ascii');
  buf[off + 16] = 0;
}

/** Space-padded fixed-width text field (a- and d-character fields of volume descriptors). */
export function padText(buf: Buffer, off: number, width: number, text: string): void {
  buf.fill(0x20, off, off + width);
  buf.write(text.slice(0, width), off, 'latin1');
}

/** UCS-2 big-endian, space (U+0020) padded: the Joliet form of descriptor text fields. */
export function padUcs2(buf: Buffer, off: number, width: number, text: string): void {
  for (let i = 0; i + 1 < width; i += 2) buf.writeUInt16BE(0x20, off + i);
  const units = Math.floor(width / 2);
  for (let i = 0; i < Math.min(units, text.length); i++) buf.writeUInt16BE(text.charCodeAt(i), off + 2 * i);
}

export function ucs2(text: string): Buffer {
  const buf = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) buf.writeUInt16BE(text.charCodeAt(i), 2 * i);
  return buf;
}
