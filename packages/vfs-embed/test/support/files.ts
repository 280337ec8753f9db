import { open } from 'node:fs/promises';

/**
 * A file whose every 8-byte word is its own offset mixed with a seed, so a read from the wrong
 * place (wrong chunk, off by a segment) never matches. Written in 1 MiB pieces, never whole.
 */
export async function writePatternFile(path: string, size: number, seed = 0x9e3779b9): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const piece = Buffer.alloc(1 << 20);
    for (let at = 0; at < size; at += piece.length) {
      for (let k = 0; k < piece.length; k += 8) {
        piece.writeUInt32LE(((at + k) / 8) >>> 0, k);
        piece.writeUInt32LE((Math.imul(((at + k) / 8) >>> 0, seed) ^ seed) >>> 0, k + 4);
      }
      await handle.write(piece, 0, Math.min(piece.length, size - at));
    }
  } finally {
    await handle.close();
  }
}

/** The bytes [offset, offset + length) of a file (clamped at its end), read with one pread. */
export async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** FNV-1a 64 as reader.c prints it, in two 32-bit halves (BigInt is too slow for megabytes). */
export function fnv1a64(bytes: Uint8Array): string {
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (const b of bytes) {
    lo = (lo ^ b) >>> 0;
    // (hi:lo) * (2^40 + 0x1b3) mod 2^64
    const low = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 2 ** 32) + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** A small seeded generator (mulberry32): random offsets that are the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
