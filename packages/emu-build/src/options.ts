import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { QEMU_TARGETS } from './guest/binfmt.js';

/** packages/emu-build, found from this file whether it runs from src/ (tests) or dist/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = resolve(packageRoot, '..', '..');

export function defaultCacheDir(): string {
  return process.env['C2W_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'c2w');
}

export const EmuBuildOptions = z.object({
  arch: z.literal('riscv64'),
  out: z.string().min(1),
  cache: z.string().min(1),
  /** Where the kernel script keeps its entries (default: the same cache). */
  kernelCache: z.string().min(1).optional(),
  offline: z.boolean(),
  /** Debian mirror URL; default: the host's apt configuration. */
  mirror: z.string().url().optional(),
  suite: z.string().default('trixie'),
  /** Debian suite whose linux-source-6.1 the kernel is built from (trixie has 6.12). */
  kernelSuite: z.string().default('bookworm'),
  foreignArches: z.array(z.enum(Object.keys(QEMU_TARGETS) as [string, ...string[]])).default(['amd64', 'arm64']),
  sourceDateEpoch: z.number().int().nonnegative().default(0),
  machineDir: z.string().default(join(workspace, 'packages', 'machine')),
  kernelScript: z.string().default(join(workspace, 'tools', 'riscv64', 'build-kernel.sh')),
  initScript: z.string().default(join(packageRoot, 'guest', 'c2w-init.sh')),
});
export type EmuBuildOptions = z.input<typeof EmuBuildOptions>;
export type ResolvedOptions = z.output<typeof EmuBuildOptions>;
