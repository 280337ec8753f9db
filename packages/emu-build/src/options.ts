import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { QEMU_TARGETS } from './guest/binfmt.js';
import { GUEST_ARCH, GUEST_ARCHES } from './guest/guest-arch.js';
import { DEFAULT_OCI_RUNTIME, OCI_RUNTIMES } from './guest/guest-spec.js';

/** packages/emu-build, found from this file whether it runs from src/ (tests) or dist/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = resolve(packageRoot, '..', '..');

export function defaultCacheDir(): string {
  return process.env['C2W_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'c2w');
}

/** The foreign architectures a guest ships qemu-user for unless told otherwise. */
const DEFAULT_FOREIGN: Record<(typeof GUEST_ARCHES)[number], string[]> = { riscv64: ['amd64', 'arm64'], amd64: [] };

export const EmuBuildOptions = z.object({
  /** The guest's architecture: riscv64 (the RV64 machine's pack) or amd64 (the x86_64 machine's). */
  arch: z.enum(GUEST_ARCHES),
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
  /** Default: amd64 and arm64 on a riscv64 guest, none on amd64 (other images stay on riscv64). */
  foreignArches: z.array(z.enum(Object.keys(QEMU_TARGETS) as [string, ...string[]])).optional(),
  sourceDateEpoch: z.number().int().nonnegative().default(0),
  /** The container runtime in the guest: crun (default, ADR 0042: a fraction of runc's start cost) or runc. */
  ociRuntime: z.enum(OCI_RUNTIMES).default(DEFAULT_OCI_RUNTIME),
  machineDir: z.string().default(join(workspace, 'packages', 'machine')),
  /** Default: tools/<riscv64|x86_64>/build-kernel.sh for the guest's architecture. */
  kernelScript: z.string().optional(),
  initScript: z.string().default(join(packageRoot, 'guest', 'c2w-init.sh')),
}).transform((o) => ({
  ...o,
  // defaults that depend on the architecture
  foreignArches: o.foreignArches ?? DEFAULT_FOREIGN[o.arch],
  kernelScript: o.kernelScript ?? join(workspace, 'tools', GUEST_ARCH[o.arch].kernel.tools, 'build-kernel.sh'),
})).superRefine((o, ctx) => {
  // qemu-user ships only in the riscv64 guest (ADR 0023): amd64 images run natively on x86_64
  if (o.arch !== 'riscv64' && o.foreignArches.length) ctx.addIssue({ code: 'custom', path: ['foreignArches'], message: `an ${o.arch} guest ships no qemu-user emulators (got ${o.foreignArches.join(',')})` });
  if (o.foreignArches.includes(o.arch)) ctx.addIssue({ code: 'custom', path: ['foreignArches'], message: `${o.arch} is the guest's own architecture` });
});
export type EmuBuildOptions = z.input<typeof EmuBuildOptions>;
export type ResolvedOptions = z.output<typeof EmuBuildOptions>;
