import type { FileHandle } from 'node:fs/promises';
import { InputError } from '@c2w/errors';
import { decodeU32 } from '@c2w/streams';

const MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
export const SECTION_DATA = 11;
// Headers are read through a small window: a module past 1 GiB is never held in memory.
const WINDOW = 64;

export interface SectionSpan { id: number; start: number; payloadStart: number; end: number }
/** One data segment: `dataStart` is where its bytes begin in the file. */
export interface SegmentSpan { index: number; passive: boolean; start: number; dataStart: number; dataLength: number }
export interface ModuleLayout { size: number; sections: SectionSpan[]; segments: SegmentSpan[] }

/** Sections and data segments of a wasm file, read by offsets (payload bytes are skipped, not read). */
export async function readModuleLayout(file: FileHandle, what: string): Promise<ModuleLayout> {
  const size = (await file.stat()).size;
  const window = Buffer.alloc(WINDOW);
  const at = async (offset: number): Promise<Buffer> => {
    const { bytesRead } = await file.read(window, 0, WINDOW, offset);
    return window.subarray(0, bytesRead);
  };
  const fail = (why: string): never => { throw new InputError(`${what}: ${why}, expected a WebAssembly 1.0 module`); };
  if (!MAGIC.equals(await at(0).then((b) => Buffer.from(b.subarray(0, 8))))) fail('bad magic or version');
  const leb = (bytes: Buffer, offset: number, where: string) => {
    try { return decodeU32(bytes, offset); } catch { return fail(`bad LEB128 at byte ${where}`); }
  };
  const sections: SectionSpan[] = [];
  let offset = 8;
  while (offset < size) {
    const head = await at(offset);
    const len = leb(head, 1, String(offset + 1));
    const payloadStart = offset + len.next;
    const end = payloadStart + len.value;
    if (end > size) fail(`section ${head[0]} at byte ${offset} runs past the end`);
    sections.push({ id: head[0]!, start: offset, payloadStart, end });
    offset = end;
  }
  const data = sections.find((s) => s.id === SECTION_DATA);
  const segments: SegmentSpan[] = [];
  if (data) {
    const count = leb(await at(data.payloadStart), 0, String(data.payloadStart));
    let pos = data.payloadStart + count.next;
    for (let index = 0; index < count.value; index++) {
      const head = await at(pos);
      const flags = leb(head, 0, String(pos));
      let p = flags.next;
      if (flags.value === 2) p = leb(head, p, String(pos + p)).next;
      if (flags.value === 0 || flags.value === 2) p = skipConstExpr(head, p) ?? fail(`unsupported offset expression in data segment ${index}`);
      else if (flags.value !== 1) fail(`data segment ${index} has unknown flags ${flags.value}`);
      const length = leb(head, p, String(pos + p));
      const dataStart = pos + length.next;
      segments.push({ index, passive: flags.value === 1, start: pos, dataStart, dataLength: length.value });
      pos = dataStart + length.value;
    }
    if (pos !== data.end) fail('data section size does not match its segments');
  }
  return { size, sections, segments };
}

// Offset expressions are short constants (i32/i64.const, global.get, extended-const arithmetic).
function skipConstExpr(bytes: Buffer, start: number): number | undefined {
  let at = start;
  while (at < bytes.length) {
    const op = bytes[at++];
    if (op === 0x0b) return at;
    if (op === 0x41 || op === 0x42) { while (at < bytes.length && (bytes[at]! & 0x80) !== 0) at++; at++; }
    else if (op === 0x23) at = decodeU32(bytes, at).next;
    else if (op !== 0x6a && op !== 0x6b && op !== 0x6c && op !== 0x7c && op !== 0x7d && op !== 0x7e) return undefined;
  }
  return undefined;
}
