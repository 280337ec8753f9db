/**
 * GNU sparse files in tar (GNU tar manual, "Storing Sparse Files"): the archive stores only the
 * data segments of a file, plus a map of where they lie in the real file. Four encodings:
 * - old GNU: typeflag 'S'; 4 map entries in the header at 386, `isextended` at 482, the real size
 *   at 483; each extension block after the header holds 21 more entries and its own flag at 504;
 * - PAX 0.0: repeated GNU.sparse.offset / GNU.sparse.numbytes records, GNU.sparse.size;
 * - PAX 0.1: GNU.sparse.map=off,len,off,len..., GNU.sparse.size, GNU.sparse.name;
 * - PAX 1.0: GNU.sparse.major=1, minor=0, name, realsize; the map is a decimal text prefix of the
 *   entry's data (count, then offset and length per segment, one per line), padded to 512 bytes.
 * Maps are flat arrays [offset, length, offset, length, ...].
 */
import { InputError } from '@c2w/errors';

const BLOCK = 512;
// A map is metadata held per entry; this bounds what a hostile header can make us allocate.
const MAX_SEGMENTS = 1 << 20;
/** Holes are reported as views of this buffer, so a 5 GiB hole costs no memory. Never written to. */
export const HOLE_CHUNK = Buffer.alloc(256 * 1024);

export type SparseKind = 'gnu' | '0.0' | '0.1' | '1.0';

/** The sparse encoding of an entry, or null (a plain entry). */
export function sparseKind(type: string | null, pax: Record<string, string> | null): SparseKind | null {
  if (type === 'gnu-sparse') return 'gnu';
  if (pax === null) return null;
  const major = pax['GNU.sparse.major'];
  if (major !== undefined) {
    if (major !== '1' || pax['GNU.sparse.minor'] !== '0') throw new InputError(`unsupported GNU sparse format ${major}.${pax['GNU.sparse.minor'] ?? '?'}`);
    return '1.0';
  }
  if (pax['GNU.sparse.map'] !== undefined) return '0.1';
  if (pax['GNU.sparse.offset'] !== undefined) return '0.0';
  return null;
}

/** Collects a map from map entries as they are decoded (from headers, PAX records or text). */
export class SparseMap {
  readonly segments: number[] = [];
  realSize = -1;

  add(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw invalidMap(`bad segment ${offset},${length}`);
    if (this.segments.length >= 2 * MAX_SEGMENTS) throw invalidMap(`more than ${MAX_SEGMENTS} segments`);
    this.segments.push(offset, length);
  }

  /**
   * Checks the map against the stored data and returns the segments that hold bytes: in order,
   * not overlapping, inside the real size, and as many bytes as the archive stores.
   */
  finish(stored: number): number[] {
    const out: number[] = [];
    let end = 0;
    let total = 0;
    const s = this.segments;
    if (!Number.isSafeInteger(this.realSize) || this.realSize < 0) throw invalidMap('no valid real size');
    for (let i = 0; i < s.length; i += 2) {
      const offset = s[i]!;
      const length = s[i + 1]!;
      if (offset < end || offset + length > this.realSize) throw invalidMap(`segment ${offset},${length} overlaps another or lies past the real size ${this.realSize}`);
      end = offset + length;
      total += length;
      if (length > 0) out.push(offset, length);
    }
    if (total !== stored) throw invalidMap(`segments hold ${total} bytes, the archive stores ${stored}`);
    return out;
  }
}

/**
 * Reads `count` map entries of 24 bytes (offset and length, 12 octal or base-256 bytes each) at
 * `at`; an entry whose offset field starts with NUL ends the list. Returns the `isextended` flag
 * found at `flagAt`.
 */
export function gnuMapEntries(map: SparseMap, buf: Buffer, at: number, count: number, flagAt: number, number: (buf: Buffer, at: number, length: number) => number | null): boolean {
  for (let i = 0; i < count; i++) {
    const entry = at + 24 * i;
    if (buf[entry] === 0) break;
    map.add(number(buf, entry, 12) ?? -1, number(buf, entry + 12, 12) ?? -1);
  }
  return buf[flagAt] !== 0;
}

/** The map of a PAX sparse entry as far as its records give it (1.0: the real size only). */
export function paxSparseMap(kind: '0.0' | '0.1' | '1.0', pax: Record<string, string>, records: Array<[string, string]>): SparseMap {
  const map = new SparseMap();
  map.realSize = decimal(pax[kind === '1.0' ? 'GNU.sparse.realsize' : 'GNU.sparse.size'] ?? '');
  if (kind === '0.1') pax01Map(map, pax['GNU.sparse.map']!);
  else if (kind === '0.0') pax00Map(map, records);
  return map;
}

/** PAX 0.1: "off,len,off,len,...". */
function pax01Map(map: SparseMap, text: string): void {
  const parts = text === '' ? [] : text.split(',');
  if (parts.length % 2 !== 0) throw invalidMap('GNU.sparse.map has an odd number of fields');
  for (let i = 0; i < parts.length; i += 2) map.add(decimal(parts[i]!), decimal(parts[i + 1]!));
}

/** PAX 0.0: the offset and numbytes records in the order they appear. */
function pax00Map(map: SparseMap, records: Array<[string, string]>): void {
  let offset: number | null = null;
  for (const [key, value] of records) {
    if (key === 'GNU.sparse.offset') offset = decimal(value);
    else if (key === 'GNU.sparse.numbytes') {
      if (offset === null) throw invalidMap('GNU.sparse.numbytes without an offset');
      map.add(offset, decimal(value));
      offset = null;
    }
  }
}

/** PAX 1.0: the decimal map at the start of the data, fed one 512-byte block at a time. */
export class TextMapReader {
  private count = -1;
  private number = 0;
  private digits = 0;
  private pendingOffset = -1;

  constructor(private readonly map: SparseMap) {}

  /** Consumes one block; true once the map is complete (the rest of that block is padding). */
  feed(buf: Buffer, at: number): boolean {
    for (let i = at; i < at + BLOCK; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) {
        if (++this.digits > 16) throw invalidMap('a number in the sparse map is too long');
        this.number = this.number * 10 + (c - 48);
      } else if (c === 10 && this.digits > 0) {
        if (this.take(this.number)) return true;
        this.number = 0;
        this.digits = 0;
      } else {
        throw invalidMap(`unexpected byte ${c} in the sparse map`);
      }
    }
    return false;
  }

  private take(n: number): boolean {
    if (this.count < 0) {
      if (n > MAX_SEGMENTS) throw invalidMap(`more than ${MAX_SEGMENTS} segments`);
      this.count = n;
    } else if (this.pendingOffset < 0) {
      this.pendingOffset = n;
      return false;
    } else {
      this.map.add(this.pendingOffset, n);
      this.pendingOffset = -1;
    }
    return this.map.segments.length === 2 * this.count;
  }
}

/**
 * Walks the real file of a sparse entry: holes (zeros, from HOLE_CHUNK) and stored segments
 * (bytes from the archive), in order, until the real size.
 */
export class SparseCursor {
  private seg = 0;
  private at = 0;

  constructor(private readonly segments: number[], private readonly size: number) {}

  get done(): boolean {
    return this.at === this.size;
  }

  /** Zero bytes before the next stored byte (or the end of the file). */
  hole(): number {
    return (this.seg < this.segments.length ? this.segments[this.seg]! : this.size) - this.at;
  }

  /** Stored bytes left in the current segment (only asked for when hole() is 0). */
  stored(): number {
    return this.segments[this.seg]! + this.segments[this.seg + 1]! - this.at;
  }

  advance(n: number): void {
    this.at += n;
    if (this.seg < this.segments.length && this.at === this.segments[this.seg]! + this.segments[this.seg + 1]!) this.seg += 2;
  }
}

/** The header a sparse entry shows: a plain file of the real size, without the sparse records. */
export function plainPax(pax: Record<string, string> | null | undefined): Record<string, string> | null {
  if (!pax) return null;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(pax)) {
    // `size` is the stored size; a `path` beside GNU.sparse.name is the GNUSparseFile.N placeholder.
    if (key.startsWith('GNU.sparse.') || key === 'size' || (key === 'path' && pax['GNU.sparse.name'] !== undefined)) continue;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? null : out;
}

function decimal(text: string): number {
  return /^\d{1,16}$/.test(text) ? Number(text) : -1;
}

function invalidMap(message: string): InputError {
  return new InputError(`invalid GNU sparse map: ${message}`);
}
