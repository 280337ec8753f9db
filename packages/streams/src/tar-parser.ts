import { InputError } from '@c2w/errors';
import { decodeHeader, invalid, LongRecords, MAX_LONG_HEADER, octal } from './tar-header-decode.js';
import { gnuMapEntries, HOLE_CHUNK, paxSparseMap, plainPax, SparseCursor, sparseKind, SparseMap, TextMapReader } from './tar-sparse.js';
import type { TarHeader } from './tar-types.js';

/** What TarParser.next() found. */
export const TarEvent = {
  /** All input pushed so far is consumed: push() the next chunk or call end(). */
  NeedMore: 0,
  /** parser.header is the next entry (PAX and GNU long names applied); its body follows. */
  Entry: 1,
  /**
   * parser.data is the next piece of the current entry's body: a view of the pushed chunk, or, in
   * the holes of a GNU sparse file, of a shared zero buffer (read it, never write to it).
   */
  Data: 2,
  /** The current entry's body is complete (also right after bodiless entries). */
  EntryEnd: 3,
} as const;
export type TarEvent = (typeof TarEvent)[keyof typeof TarEvent];

const BLOCK = 512;
const HEADER = 0;
const BODY = 1;
const LONG = 2;
/** 512-byte blocks of a GNU sparse map: old GNU extension headers or a PAX 1.0 map prefix. */
const MAP = 3;

/**
 * A push parser of tar streams (ustar, pax, GNU) that never copies a body: Data events are views
 * of the chunks given to push(), so a caller may reuse a chunk once next() returned NeedMore.
 * Only headers that straddle two chunks and long-name/PAX records are copied. It decodes headers
 * as tar-stream 3 does (tar-header-decode.ts, shared with indexTarFile), except that names and
 * xattr values stay bytes (byte-names.ts, pax.ts); one object per entry and no stream per entry
 * (readTar is this parser behind an async iterator):
 *
 *   for await (const chunk of source) {
 *     parser.push(chunk);
 *     for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) ...
 *   }
 *   parser.end();
 *
 * GNU sparse entries (old GNU 'S', PAX 0.0, 0.1 and 1.0; see tar-sparse.ts) are shown as plain
 * files of their real size, whose Data events include the holes as zeros, at most 256 KiB each.
 *
 * Errors are InputErrors: a stream cut inside an entry is "truncated"; a stream that stops on an
 * entry boundary without the end-of-archive blocks is accepted, as is one whose last data block
 * lacks its zero padding (umoci 0.4.7 writes both; see readTar).
 */
export class TarParser {
  /** The current entry (valid after an Entry event, until the next one). */
  header: TarHeader = null as unknown as TarHeader;
  /** The body bytes of the last Data event. */
  data: Buffer = EMPTY;

  private chunk: Buffer = EMPTY;
  private pos = 0;
  private state: number = HEADER;
  /** Body (or long record) bytes still to come, then padding bytes to skip. */
  private missing = 0;
  private skip = 0;
  private readonly partial = Buffer.alloc(BLOCK);
  private partialLength = 0;
  private long: Buffer = EMPTY;
  private longFill = 0;
  private longType = '';
  private total = 0;
  /** GNU long names and PAX records waiting for the entry they describe. */
  private readonly records = new LongRecords();
  private bodyPending = false;
  /** Body bytes the archive stores for the current entry (the padding follows them). */
  private stored = 0;
  /** A sparse entry's map while its blocks are read, then the walk over its real file. */
  private sparseMap: SparseMap | null = null;
  private textMap: TextMapReader | null = null;
  private cursor: SparseCursor | null = null;

  constructor(private readonly what = 'tar stream') {}

  push(chunk: Uint8Array): void {
    if (this.pos < this.chunk.length) throw new Error('TarParser.push() before next() returned NeedMore');
    this.chunk = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pos = 0;
    this.total += chunk.length;
  }

  next(): TarEvent {
    const chunk = this.chunk;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - this.pos);
        this.pos += n;
        this.skip -= n;
        if (this.skip > 0) return TarEvent.NeedMore;
      }
      if (this.state === BODY) {
        if (this.cursor !== null && !this.cursor.done) return this.nextSparse(chunk);
        if (this.missing === 0) {
          this.state = HEADER;
          this.skip = this.bodyPending ? padding(this.stored) : 0;
          this.bodyPending = false;
          this.cursor = null;
          return TarEvent.EntryEnd;
        }
        const avail = chunk.length - this.pos;
        if (avail === 0) return TarEvent.NeedMore;
        const n = Math.min(this.missing, avail);
        this.data = chunk.subarray(this.pos, this.pos + n);
        this.pos += n;
        this.missing -= n;
        return TarEvent.Data;
      }
      if (this.state === LONG) {
        const n = Math.min(this.missing, chunk.length - this.pos);
        chunk.copy(this.long, this.longFill, this.pos, this.pos + n);
        this.longFill += n;
        this.pos += n;
        this.missing -= n;
        if (this.missing > 0) return TarEvent.NeedMore;
        this.skip = padding(this.long.length);
        this.decodeLong();
        this.state = HEADER;
        continue;
      }
      // HEADER: a whole 512-byte block, from the chunk itself when it holds one.
      let block: Buffer;
      let at: number;
      if (this.partialLength === 0 && chunk.length - this.pos >= BLOCK) {
        block = chunk;
        at = this.pos;
        this.pos += BLOCK;
      } else {
        const n = Math.min(BLOCK - this.partialLength, chunk.length - this.pos);
        chunk.copy(this.partial, this.partialLength, this.pos, this.pos + n);
        this.partialLength += n;
        this.pos += n;
        if (this.partialLength < BLOCK) return TarEvent.NeedMore;
        this.partialLength = 0;
        block = this.partial;
        at = 0;
      }
      if (this.state === MAP ? this.onMapBlock(block, at) : this.onHeader(block, at)) return TarEvent.Entry;
    }
  }

  /** The next piece of a sparse file: zeros up to the next stored segment, or its stored bytes. */
  private nextSparse(chunk: Buffer): TarEvent {
    const cursor = this.cursor!;
    const hole = cursor.hole();
    if (hole > 0) {
      const n = Math.min(hole, HOLE_CHUNK.length);
      this.data = HOLE_CHUNK.subarray(0, n);
      cursor.advance(n);
      return TarEvent.Data;
    }
    const avail = chunk.length - this.pos;
    if (avail === 0) return TarEvent.NeedMore;
    const n = Math.min(cursor.stored(), avail);
    this.data = chunk.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.missing -= n;
    cursor.advance(n);
    return TarEvent.Data;
  }

  /** The end of the input: throws an InputError when it stops inside an entry. */
  end(): void {
    const aligned = this.total % BLOCK === 0;
    // A missing zero padding of the last data block is forgiven (umoci), nothing else.
    const inPadding = this.skip > 0 && !aligned && this.state === HEADER && this.partialLength === 0;
    if (this.state === BODY && this.missing === 0) return; // entry complete; EntryEnd not yet pulled
    if (this.state === HEADER && this.partialLength === 0 && (this.skip === 0 || inPadding)) return;
    if (this.state === HEADER && this.partialLength > 0 && this.partial.subarray(0, this.partialLength).every((b) => b === 0)) return;
    throw new InputError(`${this.what} is truncated (unexpected end of data)`);
  }

  /** Decodes one header block; true when it is an entry (false: zero block or long record). */
  private onHeader(buf: Buffer, at: number): boolean {
    const h = decodeHeader(buf, at, this.what);
    if (h === null) return false;
    const type = h.type as string | null;
    if (type === 'gnu-long-path' || type === 'gnu-long-link-path' || type === 'pax-global-header' || type === 'pax-header') {
      if (h.size > MAX_LONG_HEADER) throw invalid(this.what, 'Header exceeds max size');
      if (!(h.size >= 0)) throw invalid(this.what, 'Invalid header');
      this.long = Buffer.allocUnsafe(h.size);
      this.longFill = 0;
      this.longType = type;
      this.missing = h.size;
      this.state = LONG;
      return false;
    }
    const records = this.records.apply(h);
    if (!(typeof h.size === 'number' && h.size >= 0)) throw invalid(this.what, 'Invalid header');
    this.header = h;
    this.stored = h.size;
    const kind = this.sparse(() => sparseKind(type, h.pax ?? null));
    if (kind !== null) {
      const map = this.sparse(() => (kind === 'gnu' ? new SparseMap() : paxSparseMap(kind, h.pax!, records ?? [])));
      this.sparseMap = map;
      if (kind === 'gnu') {
        map.realSize = octal(buf, at + 483, 12) ?? -1;
        if (this.sparse(() => gnuMapEntries(map, buf, at + 386, 4, at + 482, octal))) { this.state = MAP; return false; }
      } else if (kind === '1.0') {
        this.textMap = new TextMapReader(map);
        this.state = MAP;
        return false;
      }
      return this.startSparseBody();
    }
    this.bodyPending = h.size !== 0 && type !== 'directory';
    this.missing = this.bodyPending ? h.size : 0;
    this.state = BODY;
    return true;
  }

  /** One block of a sparse map; true when the map is complete and the entry begins. */
  private onMapBlock(buf: Buffer, at: number): boolean {
    if (this.textMap !== null) {
      // The PAX 1.0 map is part of the stored data.
      if (this.stored < BLOCK) throw invalid(this.what, `entry ${JSON.stringify(this.header.name)}: invalid GNU sparse map: longer than the entry`);
      this.stored -= BLOCK;
      const map = this.textMap;
      if (!this.sparse(() => map.feed(buf, at))) return false;
      this.textMap = null;
    } else if (this.sparse(() => gnuMapEntries(this.sparseMap!, buf, at, 21, at + 504, octal))) {
      return false;
    }
    return this.startSparseBody();
  }

  /** The map is complete: the entry becomes a plain file of the real size. */
  private startSparseBody(): boolean {
    const h = this.header;
    const map = this.sparseMap!;
    this.sparseMap = null;
    this.cursor = new SparseCursor(this.sparse(() => map.finish(this.stored)), map.realSize);
    h.name = h.pax?.['GNU.sparse.name'] ?? h.name;
    h.type = 'file';
    h.size = map.realSize;
    h.pax = plainPax(h.pax);
    this.bodyPending = this.stored > 0;
    this.missing = this.stored;
    this.state = BODY;
    return true;
  }

  /** Runs a sparse map step; its errors name the archive and the entry. */
  private sparse<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof InputError) throw invalid(this.what, `entry ${JSON.stringify(this.header.name)}: ${err.message}`);
      throw err;
    }
  }

  private decodeLong(): void {
    this.records.add(this.longType, this.long);
    this.long = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

