import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasiCommand, wasiToolchainAvailable } from '@c2w/testing';

const READER = fileURLToPath(new URL('../../../vfs-embed/test/fixtures/reader.c', import.meta.url));
const VFS_EMBED = fileURLToPath(new URL('../../../vfs-embed/bin/run.js', import.meta.url));

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'wasm-split-test-'));

export function readerAvailable(): boolean {
  return wasiToolchainAvailable("vfs-embed's test program");
}

/** vfs-embed's test program (its test/fixtures/reader.c) with `files` embedded under /embed by vfs-embed's bin. */
export function embeddedReader(dir: string, files: string[]): string {
  const wasm = buildWasiCommand(READER, dir);
  const out = join(dir, 'embedded.wasm');
  execFileSync(process.execPath, [VFS_EMBED, wasm, out, ...files]);
  return out;
}

/** A file of `size` bytes where each 4-byte word is its own offset xor `seed`. */
export async function writePatternFile(path: string, size: number, seed: number): Promise<Buffer> {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) bytes.writeUInt32LE((i ^ seed) >>> 0, i);
  await writeFile(path, bytes);
  return bytes;
}

export function fnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

