import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { requirePrerequisite } from './prerequisite.js';

const SYSROOT_LIB = '/usr/lib/wasm32-wasi';

function haveToolchain(): boolean {
  try {
    execFileSync('clang-16', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld-16', ['--version'], { stdio: 'ignore' });
    return existsSync(join(SYSROOT_LIB, 'libc.a'));
  } catch {
    return false;
  }
}

/** Whether C test programs can be built for WASI; a loud skip at a desk, a failure under CI. */
export function wasiToolchainAvailable(purpose: string): boolean {
  return requirePrerequisite(`clang-16, wasm-ld-16 and wasi-libc (Debian clang-16 lld-16 wasi-libc) to build ${purpose}`, haveToolchain());
}

/**
 * Builds one C file into `dir`/NAME.wasm, a WASI preview1 command. Linked with wasm-ld-16 directly,
 * so no wasm-opt found on PATH rewrites it (docs/decisions/0017).
 */
export function buildWasiCommand(source: string, dir: string): string {
  const name = basename(source).replace(/\.c$/, '');
  const object = join(dir, `${name}.o`);
  const wasm = join(dir, `${name}.wasm`);
  execFileSync('clang-16', ['--target=wasm32-wasi', '-O2', '-c', source, '-o', object]);
  execFileSync('wasm-ld-16', ['-o', wasm, join(SYSROOT_LIB, 'crt1-command.o'), object, `-L${SYSROOT_LIB}`, '-lc']);
  return wasm;
}
