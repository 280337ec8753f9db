import { decodeU32 } from '@c2w/streams';

export const WASM_HEADER = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
export const SECTION_DATA = 11;

/** A top-level section of a wasm binary: its id and where its header and payload lie. */
export interface Section { id: number; start: number; payloadStart: number; end: number }

/** The sections of a module in file order; throws on anything that is not a wasm 1.0 binary. */
export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || !WASM_HEADER.equals(bytes.subarray(0, 8))) throw new RangeError('not a WebAssembly 1.0 binary (bad magic or version)');
  const sections: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const size = decodeU32(bytes, at + 1);
    const end = size.next + size.value;
    if (end > bytes.length) throw new RangeError(`section ${id} at byte ${at} runs past the end of the module`);
    sections.push({ id, start: at, payloadStart: size.next, end });
    at = end;
  }
  return sections;
}

/** One data segment: its flags and the byte range of the whole entry inside the module. */
export interface DataSegmentEntry { passive: boolean; start: number; end: number; dataLength: number }

/** The entries of a data section payload (active segments' offset expressions are skipped). */
export function readDataSegments(bytes: Uint8Array, section: Section): { countEnd: number; segments: DataSegmentEntry[] } {
  const count = decodeU32(bytes, section.payloadStart);
  const segments: DataSegmentEntry[] = [];
  let at = count.next;
  for (let i = 0; i < count.value; i++) {
    const start = at;
    const flags = decodeU32(bytes, at);
    at = flags.next;
    if (flags.value === 2) at = decodeU32(bytes, at).next; // memory index
    if (flags.value === 0 || flags.value === 2) at = skipConstExpr(bytes, at);
    else if (flags.value !== 1) throw new RangeError(`data segment ${i} has unknown flags ${flags.value}`);
    const length = decodeU32(bytes, at);
    at = length.next + length.value;
    segments.push({ passive: flags.value === 1, start, end: at, dataLength: length.value });
  }
  if (at !== section.end) throw new RangeError('data section size does not match its segments');
  return { countEnd: count.next, segments };
}

// Offset expressions are constant: i32/i64 consts, global.get and extended-const arithmetic.
function skipConstExpr(bytes: Uint8Array, start: number): number {
  let at = start;
  for (;;) {
    const op = bytes[at++];
    if (op === 0x0b) return at;
    if (op === 0x41 || op === 0x42) at = skipSleb(bytes, at);
    else if (op === 0x23) at = decodeU32(bytes, at).next;
    else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) continue;
    else throw new RangeError(`unsupported opcode 0x${(op ?? 0).toString(16)} in a data offset at byte ${at - 1}`);
  }
}

function skipSleb(bytes: Uint8Array, start: number): number {
  let at = start;
  while ((bytes[at++]! & 0x80) !== 0) if (at >= bytes.length) throw new RangeError('truncated constant');
  return at;
}
