import { execa } from 'execa';
import { join } from 'node:path';
import { workspaceRoot } from './run-bin.js';

/**
 * The riscv64 firmware, kernel and busybox initramfs (C2W_FW, C2W_KERNEL, C2W_INITRD) from the
 * environment or tools/riscv64/artifacts.sh's cache (never built here: .ci/setup builds them);
 * null when they are not there, for `requirePrerequisite`.
 */
export async function cachedRiscv64Artifacts(): Promise<Record<string, string> | null> {
  const { C2W_FW, C2W_KERNEL, C2W_INITRD } = process.env;
  if (C2W_FW && C2W_KERNEL && C2W_INITRD) return { C2W_FW, C2W_KERNEL, C2W_INITRD };
  const r = await execa(join(workspaceRoot, 'tools/riscv64/artifacts.sh'), ['--env', '--offline'], { reject: false });
  if (r.exitCode !== 0) return null;
  return Object.fromEntries(r.stdout.split('\n').map((l) => /^(\w+)=(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]));
}
