import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePrerequisite } from '@c2w/testing';

const SYSROOT_LIB = '/usr/lib/wasm32-wasi';
const READER = fileURLToPath(new URL('../../../vfs-embed/test/fixtures/reader.c', import.meta.url));
const VFS_EMBED = fileURLToPath(new URL('../../../vfs-embed/bin/run.js', import.meta.url));

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'wasm-split-test-'));

function haveToolchain(): boolean {
  try {
    execFileSync('clang-16', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld-16', ['--version'], { stdio: 'ignore' });
    return existsSync(join(SYSROOT_LIB, 'libc.a'));
  } catch {
    return false;
  }
}

export function readerAvailable(): boolean {
  return requirePrerequisite('clang-16, wasm-ld-16 and wasi-libc (Debian clang-16 lld-16 wasi-libc) to build vfs-embed\'s test program', haveToolchain());
}

/** vfs-embed's test program (its test/fixtures/reader.c) with `files` embedded under /embed by vfs-embed's bin. */
export function embeddedReader(dir: string, files: string[]): string {
  const object = join(dir, 'reader.o');
  const wasm = join(dir, 'reader.wasm');
  execFileSync('clang-16', ['--target=wasm32-wasi', '-O2', '-c', READER, '-o', object]);
  execFileSync('wasm-ld-16', ['-o', wasm, join(SYSROOT_LIB, 'crt1-command.o'), object, `-L${SYSROOT_LIB}`, '-lc']);
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

