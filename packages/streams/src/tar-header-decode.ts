import { InputError } from '@c2w/errors';
import { decodeName } from './byte-names.js';
import { decodePax } from './pax.js';
import type { TarHeader } from './tar-types.js';

/**
 * The one decoder of tar header blocks and of the records that precede an entry (GNU long names,
 * PAX headers), shared by TarParser (streams) and indexTarFile (positional reads). Names, link
 * targets and PAX text are decoded with byte-names.ts, so every byte of a name survives.
 */

// tar-stream's limit for PAX and GNU long-name records.
export const MAX_LONG_HEADER = 4 * 1024 * 1024;

export function invalid(what: string, message: string): InputError {
  return new InputError(`${what} is not a valid tar archive: ${message}`);
}

/** What the records read so far say about the next entry; apply() consumes them. */
export class LongRecords {
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> | null = null;
  private gnuLongPath: string | null = null;
  private gnuLongLinkPath: string | null = null;
  /** PAX 0.0 sparse maps repeat their keys: the records of the pending PAX header, in order. */
  private paxRecords: Array<[string, string]> | null = null;

  /** The body of a long-name or PAX entry (`type` as decodeHeader names it). */
  add(type: string, buf: Buffer): void {
    switch (type) {
      case 'gnu-long-path': this.gnuLongPath = cString(buf, 0, buf.length); break;
      case 'gnu-long-link-path': this.gnuLongLinkPath = cString(buf, 0, buf.length); break;
      case 'pax-global-header': this.paxGlobal = decodePax(buf); break;
      default: {
        const own = decodePax(buf);
        if (own['GNU.sparse.offset'] !== undefined) {
          const records: Array<[string, string]> = [];
          decodePax(buf, (key, value) => records.push([key, value]));
          this.paxRecords = records;
        }
        this.pax = this.paxGlobal === null ? own : Object.assign({}, this.paxGlobal, own);
      }
    }
  }

  /**
   * Applies the pending records to an entry's header (GNU names, then PAX path, linkpath, size,
   * uid, gid and mtime win) and forgets them; returns the PAX records in order for a sparse map.
   */
  apply(h: TarHeader): Array<[string, string]> | null {
    if (this.gnuLongPath) { h.name = this.gnuLongPath; this.gnuLongPath = null; }
    if (this.gnuLongLinkPath) { h.linkname = this.gnuLongLinkPath; this.gnuLongLinkPath = null; }
    if (this.pax !== null) {
      const pax = this.pax;
      if (pax['path']) h.name = pax['path'];
      if (pax['linkpath']) h.linkname = pax['linkpath'];
      if (pax['size']) h.size = parseInt(pax['size'], 10);
      h.pax = pax;
      this.pax = null;
      applyPaxIds(h, pax);
    }
    const records = this.paxRecords;
    this.paxRecords = null;
    return records;
  }
}

/** readTar's PAX policy: uid, gid and mtime (seconds, sub-second cut) win over the ustar fields. */
function applyPaxIds(header: TarHeader, pax: Record<string, string>): void {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  header.uid = int(pax['uid']) ?? header.uid;
  header.gid = int(pax['gid']) ?? header.gid;
  const mtime = pax['mtime'] !== undefined ? Number(pax['mtime']) : NaN;
  if (Number.isFinite(mtime)) header.mtime = new Date(Math.floor(mtime) * 1000);
}

const TYPES: Record<number, string> = {
  0: 'file', 1: 'link', 2: 'symlink', 3: 'character-device', 4: 'block-device', 5: 'directory', 6: 'fifo',
  7: 'contiguous-file', 35: 'gnu-sparse', 72: 'pax-header', 55: 'pax-global-header', 27: 'gnu-long-link-path', 28: 'gnu-long-path', 30: 'gnu-long-path',
};

/** tar-stream 3's headers.decode() on buf[at, at + 512): null for a zero block. */
export function decodeHeader(buf: Buffer, at: number, what: string): TarHeader | null {
  let sum = 8 * 32;
  for (let i = at; i < at + 148; i++) sum += buf[i]!;
  for (let i = at + 156; i < at + 512; i++) sum += buf[i]!;
  if (sum === 8 * 32) return null;
  if (sum !== octal(buf, at + 148, 8)) throw invalid(what, 'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');

  const flag = buf[at + 156] === 0 ? 0 : buf[at + 156]! - 48;
  let name = cString(buf, at, 100);
  if (isMagic(buf, at, USTAR)) {
    if (buf[at + 345] !== 0) name = `${cString(buf, at + 345, 155)}/${name}`;
  } else if (!isMagic(buf, at, GNU)) {
    throw invalid(what, 'Invalid tar header: unknown format.');
  }
  // tar-stream decides the type before its trailing-slash rule, so that rule never applies.
  return {
    name,
    mode: octal(buf, at + 100, 8) as number,
    uid: octal(buf, at + 108, 8) as number,
    gid: octal(buf, at + 116, 8) as number,
    size: octal(buf, at + 124, 12) as number,
    mtime: new Date(1000 * (octal(buf, at + 136, 12) as number)),
    type: (TYPES[flag] ?? null) as string,
    linkname: buf[at + 157] === 0 ? null : cString(buf, at + 157, 100),
    uname: cString(buf, at + 265, 32),
    gname: cString(buf, at + 297, 32),
    devmajor: octal(buf, at + 329, 8) as number,
    devminor: octal(buf, at + 337, 8) as number,
    pax: null,
  };
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00];
const GNU = [0x75, 0x73, 0x74, 0x61, 0x72, 0x20, 0x20, 0x00];

function isMagic(buf: Buffer, at: number, magic: number[]): boolean {
  for (let i = 0; i < magic.length; i++) if (buf[at + 257 + i] !== magic[i]) return false;
  return true;
}

/** The bytes up to the first NUL of a field, as a name (byte-names.ts: no byte is lost). */
export function cString(buf: Buffer, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && buf[end] !== 0) end++;
  return decodeName(buf, start, end);
}

/** tar-stream's decodeOct: base-256 when the high bit is set, else octal text (spaces, NULs). */
export function octal(buf: Buffer, start: number, length: number): number | null {
  const end = start + length;
  if (buf[start]! & 0x80) return base256(buf, start, end);
  let i = start;
  while (i < end && buf[i] === 32) i++;
  let stop = i;
  while (stop < end && buf[stop] !== 32) stop++;
  while (i < stop && buf[i] === 0) i++;
  if (stop === i) return 0;
  const first = buf[i]!;
  if (first < 48 || first > 55) return parseInt(buf.toString('utf8', i, stop), 8); // parseInt's own rules
  let value = 0;
  for (; i < stop; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 55) break;
    value = value * 8 + (c - 48);
  }
  return value;
}

function base256(buf: Buffer, start: number, end: number): number | null {
  const positive = buf[start] === 0x80;
  if (!positive && buf[start] !== 0xff) return null;
  let sum = 0;
  let scale = 1;
  for (let i = end - 1; i > start; i--) {
    sum += (positive ? buf[i]! : 0xff - buf[i]!) * scale;
    scale *= 256;
  }
  return positive ? sum : -1 * sum;
}
