import { decodeName, encodeName } from './byte-names.js';

/**
 * PAX extended header records (`LEN key=value\n`). Keys and text values are UTF-8 by the standard
 * but bytes in practice (`hdrcharset=BINARY`, names from non-UTF-8 systems): they are names as
 * byte-names.ts holds them, so every byte survives. xattr values (`SCHILY.xattr.NAME`) are binary
 * (security.capability, ACLs, IMA signatures) and are held as byte strings (one char per byte,
 * latin1); tar-stream decodes and encodes every value as UTF-8, which turns such bytes into U+FFFD.
 */
export const XATTR_PREFIX = 'SCHILY.xattr.';

const isXattr = (key: string) => key.startsWith(XATTR_PREFIX);

/**
 * Records up to the first malformed one (as tar-stream does); later records win. `onRecord` sees
 * every record in order, repeated keys included (GNU sparse 0.0 repeats its offset records).
 */
export function decodePax(input: Buffer, onRecord?: (key: string, value: string) => void): Record<string, string> {
  const result: Record<string, string> = {};
  let buf = input;
  while (buf.length) {
    let i = 0;
    while (i < buf.length && buf[i] !== 32) i++;
    const len = parseInt(buf.toString('latin1', 0, i), 10);
    if (!len || len > buf.length) return result;
    const record = buf.subarray(i + 1, len - 1);
    const eq = record.indexOf(61); // '='
    if (eq === -1) return result;
    const key = decodeName(record, 0, eq);
    result[key] = isXattr(key) ? record.toString('latin1', eq + 1) : decodeName(record, eq + 1);
    onRecord?.(key, result[key]);
    buf = buf.subarray(len);
  }
  return result;
}

/** path and linkpath first, then `pax` in its own order: the records tar-stream writes. */
export function encodePax(name: string | undefined, linkname: string | null | undefined, pax: Record<string, string> | null | undefined): Buffer {
  const records: Buffer[] = [];
  if (name) records.push(record('path', name));
  if (linkname) records.push(record('linkpath', linkname));
  for (const [key, value] of Object.entries(pax ?? {})) records.push(record(key, value));
  return Buffer.concat(records);
}

function record(key: string, value: string): Buffer {
  const body = Buffer.concat([Buffer.from(' '), encodeName(key), Buffer.from('='), isXattr(key) ? Buffer.from(value, 'latin1') : encodeName(value), Buffer.from('\n')]);
  // The length counts its own digits.
  let digits = String(body.length).length;
  if (String(body.length + digits).length > digits) digits++;
  return Buffer.concat([Buffer.from(String(body.length + digits), 'latin1'), body]);
}
