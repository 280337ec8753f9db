/** Unsigned LEB128, the encoding of every size, count and index in a wasm binary (vfs-embed, wasm-split). */
export function encodeU32(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`LEB128 u32 out of range: ${value}`);
  const bytes: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0);
  return Buffer.from(bytes);
}

/** Reads an unsigned LEB128 u32 at `offset`; returns the value and the offset after it. */
export function decodeU32(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) throw new RangeError(`truncated LEB128 at byte ${offset}`);
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: offset + i + 1 };
  }
  throw new RangeError(`LEB128 longer than 5 bytes at byte ${offset}`);
}

export const u32Size = (value: number): number => encodeU32(value).length;
