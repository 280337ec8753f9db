import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { encodeU32, u32Size } from '@c2w/streams';
import type { SegmentSpan } from './module-layout.js';

/** Where a side module finds the main memory, and the one function it exports (docs/decisions/0021-wasm-split.md). */
export const MEMORY_IMPORT = { module: 'c2w_split', name: 'memory' } as const;
export const INIT_EXPORT = 'init';
const HEADER = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const COPY_BUFFER = 1024 * 1024;

const section = (id: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([id]), encodeU32(payload.length), payload]);
const name = (text: string): Buffer => Buffer.concat([encodeU32(text.length), Buffer.from(text, 'utf8')]);

/**
 * `init(seg, dst, src, len)`: memory.init of this module's segment `seg` into the imported memory.
 * Segment indices are immediates, so a br_table picks one of n cases; an unknown seg traps.
 */
function initBody(n: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0x00])]; // no locals
  for (let i = 0; i <= n; i++) parts.push(Buffer.from([0x02, 0x40])); // block (empty type)
  parts.push(Buffer.from([0x20, 0x00, 0x0e]), encodeU32(n));
  for (let i = 0; i < n; i++) parts.push(encodeU32(i));
  parts.push(encodeU32(n));
  for (let i = 0; i < n; i++) {
    parts.push(Buffer.from([0x0b, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0xfc, 0x08]), encodeU32(i), Buffer.from([0x00, 0x0f]));
  }
  parts.push(Buffer.from([0x0b, 0x00, 0x0b])); // default: unreachable
  const body = Buffer.concat(parts);
  return Buffer.concat([encodeU32(body.length), body]);
}

// Type (i32 i32 i32 i32) -> (), the memory import (any size), one function, its export.
const FIXED_SECTIONS = Buffer.concat([
  section(1, Buffer.from([0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00])),
  section(2, Buffer.concat([Buffer.from([0x01]), name(MEMORY_IMPORT.module), name(MEMORY_IMPORT.name), Buffer.from([0x02, 0x00, 0x00])])),
  section(3, Buffer.from([0x01, 0x00])),
  section(7, Buffer.concat([Buffer.from([0x01]), name(INIT_EXPORT), Buffer.from([0x00, 0x00])])),
]);

/** Every byte of a side module before its data section's payload segments. */
function prefix(lengths: number[]): Buffer {
  const n = lengths.length;
  const dataPayload = u32Size(n) + lengths.reduce((sum, len) => sum + 1 + u32Size(len) + len, 0);
  return Buffer.concat([
    HEADER,
    FIXED_SECTIONS,
    section(12, encodeU32(n)),
    section(10, Buffer.concat([Buffer.from([0x01]), initBody(n)])),
    Buffer.from([11]), encodeU32(dataPayload), encodeU32(n),
  ]);
}

/** The exact size of the side module holding segments of these lengths. */
export function dataModuleSize(lengths: number[]): number {
  return prefix(lengths).length + lengths.reduce((sum, len) => sum + 1 + u32Size(len) + len, 0);
}

/**
 * Grows a side module one segment at a time and tells its exact size without rebuilding it:
 * the planner asks after every segment, and there may be 100,000 of them.
 */
export class SizeTracker {
  private n = 0;
  private caseBytes = 0; // what depends on each case index
  private dataBytes = 0;

  sizeWith(length: number): number {
    return this.total(this.n + 1, this.caseBytes + 2 * u32Size(this.n) + 11, this.dataBytes + 1 + u32Size(length) + length);
  }

  add(length: number): void {
    this.caseBytes += 2 * u32Size(this.n) + 11;
    this.dataBytes += 1 + u32Size(length) + length;
    this.n++;
  }

  private total(n: number, caseBytes: number, dataBytes: number): number {
    const body = 1 + 2 * (n + 1) + 3 + u32Size(n) + u32Size(n) + caseBytes + 3;
    const code = 1 + u32Size(body) + body;
    const dataPayload = u32Size(n) + dataBytes;
    return HEADER.length + FIXED_SECTIONS.length + (2 + u32Size(n)) + (1 + u32Size(code) + code) + (1 + u32Size(dataPayload) + dataPayload);
  }
}

export interface WrittenModule { size: number; sha256: string }

/**
 * Writes a side module to `out`, copying each segment's bytes from `input` through a fixed buffer
 * (a segment may be 64 MiB or more and is never held whole); returns its size and sha256.
 */
export async function writeDataModule(input: FileHandle, segments: SegmentSpan[], out: FileHandle): Promise<WrittenModule> {
  const hash = createHash('sha256');
  let size = 0;
  // `bytes` may be the shared copy buffer: it is hashed and written before the next read refills it.
  const put = async (bytes: Buffer) => {
    hash.update(bytes);
    await out.write(bytes, 0, bytes.length, size);
    size += bytes.length;
  };
  await put(prefix(segments.map((s) => s.dataLength)));
  const buffer = Buffer.alloc(COPY_BUFFER);
  for (const s of segments) {
    await put(Buffer.concat([Buffer.from([0x01]), encodeU32(s.dataLength)]));
    for (let done = 0; done < s.dataLength;) {
      const want = Math.min(buffer.length, s.dataLength - done);
      const { bytesRead } = await input.read(buffer, 0, want, s.dataStart + done);
      if (bytesRead !== want) throw new RangeError(`input ended inside data segment ${s.index}`);
      await put(buffer.subarray(0, bytesRead));
      done += bytesRead;
    }
  }
  return { size, sha256: hash.digest('hex') };
}
