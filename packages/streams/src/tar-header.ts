import type { TarHeader } from './tar-types.js';
import { hasEscapedBytes, writeName } from './byte-names.js';
import { encodePax } from './pax.js';

const BLOCK = 512;
/** The one uid/gid rule of every writer: 6 octal digits and a space (tar-stream's layout), else PAX. */
export const USTAR_ID_MAX = 0o777777;
const OCTAL_MAX_11 = 0o77777777777; // size and mtime
const TYPEFLAG: Record<string, number> = {
  file: 0, link: 1, symlink: 2, 'character-device': 3, 'block-device': 4, directory: 5, fifo: 6, 'contiguous-file': 7,
  'pax-header': 72, 'pax-global-header': 55,
};

/** Entry types without a body: their header size field is 0 whatever the caller passed. */
function hasBody(type: string): boolean {
  return type === 'file' || type === 'contiguous-file' || type === 'pax-header';
}

/**
 * The header blocks of one entry: a ustar block, preceded by a PAX header and its records when
 * the entry needs one (PAX records given, a name or link target that is not ASCII or does not fit,
 * ids or times beyond the octal fields). `path` and `linkpath` records are written only when the
 * ustar fields cannot hold the name or target (or the caller's records carry them, then with the
 * header's values), so a tar read and written back keeps exactly its records: a GNU tar or bsdtar
 * archive passes through with the same PAX headers. The PAX block is named "PaxHeader" as
 * tar-stream names it; uid, gid and mtime that overflow their fields go to PAX instead of being
 * clamped.
 */
export function encodeHeader(header: TarHeader): Buffer {
  const type = String(header.type);
  if (TYPEFLAG[type] === undefined) throw new Error(`cannot write tar entry ${header.name}: unknown type ${type}`);
  const size = hasBody(type) ? header.size : 0;
  const mtime = Math.floor(header.mtime.getTime() / 1000);
  const pax: Record<string, string> = { ...(header.pax ?? {}) };
  if (header.uid > USTAR_ID_MAX && pax['uid'] === undefined) pax['uid'] = String(header.uid);
  if (header.gid > USTAR_ID_MAX && pax['gid'] === undefined) pax['gid'] = String(header.gid);
  if ((mtime < 0 || mtime > OCTAL_MAX_11) && pax['mtime'] === undefined) pax['mtime'] = String(mtime);
  // the header's name and target are the truth: a record read with them must not contradict them
  if (pax['path'] !== undefined) pax['path'] = header.name;
  if (pax['linkpath'] !== undefined) {
    if (header.linkname) pax['linkpath'] = header.linkname;
    else delete pax['linkpath'];
  }
  const split = splitName(header.name);
  const linkFits = !header.linkname || (isAscii(header.linkname) && header.linkname.length <= 100);
  const fields = { ...header, type, size };
  if (Object.keys(pax).length === 0 && split && linkFits) return ustar(fields, split, header.linkname);
  const pathRecord = split || pax['path'] !== undefined ? undefined : header.name;
  const linkRecord = linkFits || pax['linkpath'] !== undefined ? undefined : header.linkname;
  // Names are bytes (byte-names.ts): a record that is not UTF-8 says so, as bsdtar and GNU tar do.
  if (pax['hdrcharset'] === undefined && ((pathRecord && hasEscapedBytes(pathRecord)) || (linkRecord && hasEscapedBytes(linkRecord)))) pax['hdrcharset'] = 'BINARY';
  const records = encodePax(pathRecord, linkRecord, pax);
  const paxBlock = ustar({ ...fields, type: 'pax-header', size: records.length }, { name: 'PaxHeader', prefix: '' }, header.linkname ? 'PaxHeader' : null);
  const main = ustar(fields, split ?? { name: 'PaxHeader', prefix: '' }, linkFits ? header.linkname : 'PaxHeader');
  const pad = Buffer.alloc(padding(records.length));
  return Buffer.concat([paxBlock, records, pad, main]);
}

/** Zero bytes that complete a body of `size` bytes to whole blocks. */
export function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

type Fields = Omit<TarHeader, 'name' | 'linkname'> & { type: string; size: number };

const isAscii = (text: string) => Buffer.byteLength(text) === text.length;

/** A name as ustar's name and prefix fields (tar-stream's split), or null when it does not fit. */
function splitName(fullName: string): { name: string; prefix: string } | null {
  let name = fullName;
  let prefix = '';
  if (!isAscii(name)) return null;
  while (name.length > 100) {
    const i = name.indexOf('/');
    if (i === -1) return null;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  if (name.length > 100 || prefix.length > 155) return null;
  return { name, prefix };
}

/** One ustar block with an ASCII name that fits and an ASCII link target of at most 100 bytes. */
function ustar(h: Fields, { name, prefix }: { name: string; prefix: string }, linkname: string | null | undefined): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(name, 0, 'latin1');
  buf.write(octal(h.mode & 0o7777, 6), 100, 'latin1');
  buf.write(octal(h.uid, 6), 108, 'latin1');
  buf.write(octal(h.gid, 6), 116, 'latin1');
  if (h.size > OCTAL_MAX_11) {
    // base-256 (GNU), which bsdtar, GNU tar, Go and tar-stream read
    buf[124] = 0x80;
    for (let i = 11, n = h.size; i > 0; i--, n = Math.floor(n / 256)) buf[124 + i] = n % 256;
  } else {
    buf.write(octal(h.size, 11), 124, 'latin1');
  }
  const mtime = Math.floor(h.mtime.getTime() / 1000);
  buf.write(octal(mtime < 0 ? 0 : mtime, 11), 136, 'latin1');
  buf[156] = 48 + TYPEFLAG[h.type]!;
  if (linkname) buf.write(linkname, 157, 'latin1');
  buf.write('ustar\x0000', 257, 'latin1');
  if (h.uname) writeName(buf, h.uname, 265, 32);
  if (h.gname) writeName(buf, h.gname, 297, 32);
  buf.write(octal(h.devmajor ?? 0, 6), 329, 'latin1');
  buf.write(octal(h.devminor ?? 0, 6), 337, 'latin1');
  if (prefix) buf.write(prefix, 345, 'latin1');
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += buf[i]!;
  for (let i = 156; i < BLOCK; i++) sum += buf[i]!;
  buf.write(octal(sum, 6), 148, 'latin1');
  return buf;
}

/** tar-stream's encodeOct: zero-padded octal and a space; all sevens when it does not fit. */
function octal(value: number, digits: number): string {
  const text = value.toString(8);
  if (text.length > digits) return `${'7'.repeat(digits)} `;
  return `${'0'.repeat(digits - text.length)}${text} `;
}
