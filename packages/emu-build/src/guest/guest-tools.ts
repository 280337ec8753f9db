import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '@c2w/errors';
import { keyOf } from '../cache/cache-key.js';
import { packageRoot } from '../options.js';
import { GUEST_ARCH, type GuestArch } from './guest-arch.js';

/** Our own guest programs' sources (freestanding C, raw syscalls): installed as /usr/sbin/<name>. */
export const XATTRS_TOOL = { source: join(packageRoot, 'guest-tools', 'c2w-xattrs.c'), path: 'usr/sbin/c2w-xattrs' };

/**
 * No libc, no build id, no unwind tables, stripped: the bytes depend on the source and the compiler
 * only (same Debian gcc, same bytes). riscv64 without linker relaxation, which would want a gp set up.
 */
const FLAGS = ['-Os', '-static', '-nostdlib', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-fno-pie', '-no-pie',
  '-fno-asynchronous-unwind-tables', '-fno-unwind-tables', '-fno-tree-loop-distribute-patterns', '-Wall', '-Wextra', '-Werror',
  '-Wl,--build-id=none', '-Wl,-z,noexecstack', '-s'];
const ARCH_FLAGS: Record<GuestArch, string[]> = { riscv64: ['-mno-relax', '-Wl,--no-relax'], amd64: [] };

/** The cross compiler the kernel build uses too (Debian gcc-riscv64-linux-gnu, gcc-x86-64-linux-gnu or the amd64 host gcc). */
export const toolCompiler = (arch: GuestArch): string => `${GUEST_ARCH[arch].triplet}-gcc`;

/** What decides the tool's bytes: source, flags and the compiler's version ('absent' without one). */
export async function guestToolsKey(arch: GuestArch): Promise<string> {
  const version = await execa(toolCompiler(arch), ['--version'], { reject: false, stdin: 'ignore' })
    .then((r) => (r.exitCode === 0 ? r.stdout.split('\n')[0]! : 'absent'), () => 'absent');
  return keyOf({ source: (await readFile(XATTRS_TOOL.source)).toString('base64'), flags: [...FLAGS, ...ARCH_FLAGS[arch]], compiler: version });
}

/** Compiles c2w-xattrs for the guest into `out`. */
export const buildXattrsTool = (arch: GuestArch, out: string): Promise<void> => buildGuestTool(arch, XATTRS_TOOL.source, out);

/** Compiles one freestanding C file (raw syscalls, no libc) into a static program for the guest. */
export async function buildGuestTool(arch: GuestArch, source: string, out: string): Promise<void> {
  const gcc = toolCompiler(arch);
  const r = await execa(gcc, [...FLAGS, ...ARCH_FLAGS[arch], '-o', out, source], { reject: false, stdin: 'ignore', all: true });
  if (r.exitCode === undefined) {
    throw new EnvironmentError(`${gcc} not found: the guest's c2w-xattrs needs it (Debian ${arch === 'riscv64' ? 'gcc-riscv64-linux-gnu' : 'gcc-x86-64-linux-gnu or gcc'})`);
  }
  if (r.exitCode !== 0) throw new EnvironmentError(`${gcc} failed on ${source} (exit ${r.exitCode}): ${(r.all ?? '').split('\n')[0]}`);
}
