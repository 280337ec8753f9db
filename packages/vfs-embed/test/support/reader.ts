import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePrerequisite } from '@c2w/testing';

const SYSROOT_LIB = '/usr/lib/wasm32-wasi';
const source = fileURLToPath(new URL('../fixtures/reader.c', import.meta.url));

function haveToolchain(): boolean {
  try {
    execFileSync('clang-16', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld-16', ['--version'], { stdio: 'ignore' });
    return existsSync(join(SYSROOT_LIB, 'libc.a'));
  } catch {
    return false;
  }
}

/** Whether the test program can be built; a loud skip at a desk, a failure under CI. */
export function readerAvailable(): boolean {
  return requirePrerequisite('clang-16, wasm-ld-16 and wasi-libc (Debian clang-16 lld-16 wasi-libc) to build the test program', haveToolchain());
}

/**
 * Builds test/fixtures/reader.c into `dir`/reader.wasm, linking with wasm-ld-16 directly so no
 * wasm-opt from PATH rewrites it (see fixtures/README.md).
 */
export function buildReader(dir: string): string {
  const object = join(dir, 'reader.o');
  const wasm = join(dir, 'reader.wasm');
  execFileSync('clang-16', ['--target=wasm32-wasi', '-O2', '-c', source, '-o', object]);
  execFileSync('wasm-ld-16', ['-o', wasm, join(SYSROOT_LIB, 'crt1-command.o'), object, `-L${SYSROOT_LIB}`, '-lc']);
  return wasm;
}
