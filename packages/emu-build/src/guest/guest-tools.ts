import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '@c2w/errors';
import { keyOf } from '../cache/cache-key.js';
import { packageRoot } from '../options.js';
import { GUEST_ARCH, type GuestArch } from './guest-arch.js';

export interface GuestTool { name: string; source: string; /** in the guest's tree */ path: string }
const tool = (name: string): GuestTool => ({ name, source: join(packageRoot, 'guest-tools', `${name}.c`), path: `usr/sbin/${name}` });

/** c2w commit's binary-safe xattr dump (docs/decisions/0043). */
export const XATTRS_TOOL = tool('c2w-xattrs');
/** The PID 1 of containers that run through qemu-user (docs/decisions/0065). */
export const PID1_TOOL = tool('c2w-pid1');
/** Our own guest programs (freestanding C, raw syscalls), compiled for the guest by emu-build. */
export const GUEST_TOOLS: readonly GuestTool[] = [XATTRS_TOOL, PID1_TOOL];
/** What they include: system calls and _start. */
const GUEST_TOOL_HEADERS = ['freestanding.h'].map((h) => join(packageRoot, 'guest-tools', h));

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

/** What decides the tools' bytes: sources and headers, flags and the compiler's version ('absent' without one). */
export async function guestToolsKey(arch: GuestArch): Promise<string> {
  const version = await execa(toolCompiler(arch), ['--version'], { reject: false, stdin: 'ignore' })
    .then((r) => (r.exitCode === 0 ? r.stdout.split('\n')[0]! : 'absent'), () => 'absent');
  const files = [...GUEST_TOOLS.map((t) => t.source), ...GUEST_TOOL_HEADERS];
  const sources = await Promise.all(files.map(async (f) => [basename(f), (await readFile(f)).toString('base64')]));
  return keyOf({ sources: Object.fromEntries(sources), flags: [...FLAGS, ...ARCH_FLAGS[arch]], compiler: version });
}

/** Compiles c2w-xattrs for the guest into `out`. */
export const buildXattrsTool = (arch: GuestArch, out: string): Promise<void> => buildGuestTool(arch, XATTRS_TOOL.source, out);

/** Compiles one freestanding C file (raw syscalls, no libc) into a static program for the guest. */
export async function buildGuestTool(arch: GuestArch, source: string, out: string): Promise<void> {
  const gcc = toolCompiler(arch);
  const r = await execa(gcc, [...FLAGS, ...ARCH_FLAGS[arch], '-o', out, source], { reject: false, stdin: 'ignore', all: true });
  if (r.exitCode === undefined) {
    throw new EnvironmentError(`${gcc} not found: the guest's own tools (${GUEST_TOOLS.map((t) => t.name).join(', ')}) need it (Debian ${arch === 'riscv64' ? 'gcc-riscv64-linux-gnu' : 'gcc-x86-64-linux-gnu or gcc'})`);
  }
  if (r.exitCode !== 0) throw new EnvironmentError(`${gcc} failed on ${source} (exit ${r.exitCode}): ${(r.all ?? '').split('\n')[0]}`);
}
