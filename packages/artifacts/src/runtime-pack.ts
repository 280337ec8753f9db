import { z } from 'zod';
import { Digest } from './oci.js';

/** A file of the pack or an input: content digest and size in bytes. */
const FileRef = z.object({ digest: Digest, size: z.number().int().nonnegative() });

const DebianPackageRef = z.object({
  name: z.string(),
  version: z.string(),
  architecture: z.string(),
  filename: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
});

/** The machines a runtime pack is made for: the machine's `"arch"` and the npm package's suffix. */
export const MACHINE_ARCHES = ['riscv64', 'x86_64'] as const;
export type MachineArch = (typeof MACHINE_ARCHES)[number];

/** The OCI image architecture each machine runs without emulation (any other goes through qemu-user on riscv64). */
export const NATIVE_IMAGE_ARCH: Record<MachineArch, string> = { riscv64: 'riscv64', x86_64: 'amd64' };

/** Which pack file is the kernel and which the firmware (x86_64 boots its PVH vmlinux with none). */
export const BOOT_FILES: Record<MachineArch, { kernel: string; firmware?: string }> = {
  riscv64: { kernel: 'Image', firmware: 'fw_dynamic.bin' },
  x86_64: { kernel: 'vmlinux' },
};

const PackBoot = z.object({
  /** Kernel command line for a root ISO (guest.tar + container root) as the first disk. */
  append: z.string(),
  init: z.string(),
  /** The init opens the machine's console gate (--console-gate) once the container's stdin is ready. */
  consoleGate: z.boolean().default(false),
  /**
   * The init can take the container's stdin from the machine's --stdin-port device (port
   * "c2w.stdin", with an end of input) when the run channel's `c2w/stdin` says `port`.
   */
  stdinPort: z.boolean().default(false),
  /**
   * The init gives the container a pty when the run channel has `c2w/tty`, and follows the
   * machine's --winsize port ("c2w.winsize") for its size (docs/decisions/0036).
   */
  tty: z.boolean().default(false),
  /**
   * The guest's program that is the PID 1 of a container whose image runs through qemu-user, as
   * docker's --init (docs/decisions/0065); older packs have none and qemu-user is PID 1 there.
   */
  containerInit: z.string().optional(),
  /** The OCI runtime c2w-init starts the container with (docs/decisions/0042; older packs: runc). */
  ociRuntime: z.enum(['crun', 'runc']).default('runc'),
  /** Where iso-pack puts the container root file system in the root ISO. */
  containerRoot: z.string(),
  /** How the host passes the run manifest: a tar on the second virtio disk. */
  channel: z.object({ format: z.literal('tar'), version: z.literal(1) }),
  /** How the guest reports the container's exit status (the same finisher on both boards, at the board's address). */
  exit: z.literal('sifive_test'),
  foreignArches: z.array(z.string()),
});

const PackInputs = z.object({
  tool: z.object({ name: z.string(), version: z.string() }),
  sourceDateEpoch: z.number().int().nonnegative(),
  debian: z.object({
    suite: z.string(),
    releaseDate: z.string(),
    inRelease: Digest,
    indexes: z.array(z.object({ path: z.string(), digest: Digest, size: z.number().int().nonnegative() })),
    packages: z.array(DebianPackageRef),
  }),
  /** riscv64 only: x86_64 boots the kernel's PVH entry with no firmware. */
  firmware: z.object({ package: z.string(), version: z.string(), path: z.string() }).optional(),
  kernel: z.object({ cacheKey: z.string(), release: z.string(), config: FileRef, inputs: z.record(z.string(), z.string()) }),
  /** toolchain: Debian package versions of clang-16, lld-16, compiler-rt and wasi-libc (older packs lack it). */
  machine: z.object({ sources: Digest, compiler: z.string(), toolchain: z.record(z.string(), z.string()).optional() }),
  init: FileRef,
});

const packHeader = {
  schemaVersion: z.literal(1),
  mediaType: z.literal('application/vnd.c2w.runtime-pack.v1+json'),
};

/**
 * pack.json of a runtime pack (emu-build): the files a machine needs to boot the guest and the
 * exact inputs they were made from. Contains no time stamps and no host paths, so two builds from
 * the same inputs write the same bytes. `arch` is the machine's (riscv64, x86_64), which decides
 * the files: OpenSBI + Image, or the PVH vmlinux alone.
 */
export const RuntimePack = z.discriminatedUnion('arch', [
  z.object({
    ...packHeader,
    arch: z.literal('riscv64'),
    files: z.object({ 'machine.wasm': FileRef, 'fw_dynamic.bin': FileRef, Image: FileRef, 'guest.tar': FileRef }),
    boot: PackBoot,
    inputs: PackInputs,
  }),
  z.object({
    ...packHeader,
    arch: z.literal('x86_64'),
    files: z.object({ 'machine.wasm': FileRef, vmlinux: FileRef, 'guest.tar': FileRef }),
    boot: PackBoot,
    inputs: PackInputs,
  }),
]);
export type RuntimePack = z.infer<typeof RuntimePack>;

/** The OCI runtime configuration subset the guest's runc needs; other keys pass through. */
export const RuntimeConfig = z.looseObject({
  ociVersion: z.string(),
  process: z.looseObject({
    terminal: z.boolean().optional(),
    user: z.looseObject({ uid: z.number().int().nonnegative(), gid: z.number().int().nonnegative(), additionalGids: z.array(z.number().int()).optional() }),
    args: z.array(z.string()).min(1),
    env: z.array(z.string()).optional(),
    cwd: z.string().startsWith('/'),
  }),
  root: z.object({ path: z.literal('rootfs'), readonly: z.boolean().optional() }),
  hostname: z.string().optional(),
  mounts: z.array(z.looseObject({ destination: z.string(), type: z.string().optional(), source: z.string().optional(), options: z.array(z.string()).optional() })).optional(),
  linux: z.looseObject({ namespaces: z.array(z.object({ type: z.string(), path: z.string().optional() })).optional() }).optional(),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

/**
 * A host directory shared over virtio-9p (`c2w run --mount`): the guest init mounts the share
 * `tag` at /run/c2w/mnt/`index` and config.json bind-mounts that to the container's destination.
 */
export const RunMount = z.object({
  tag: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  /** Absolute path inside the container. */
  destination: z.string().startsWith('/'),
  readonly: z.boolean(),
});
export type RunMount = z.infer<typeof RunMount>;

/**
 * What the host puts in the run channel (a tar on the guest's second virtio disk, no size cap):
 * `config.json` = `config`, `c2w/arch` = `arch`, `c2w/time` = `time`, `c2w/mounts` = `mounts` (one
 * line per share: `index tag ro|rw`). The guest init needs no JSON parser: runc reads config.json,
 * the init reads the small text files.
 */
export const RunManifest = z.object({
  schemaVersion: z.literal(1),
  /** OCI architecture of the image (riscv64 runs natively; others through qemu-user). */
  arch: z.string(),
  /** Host wall-clock time in seconds since the epoch, to set the guest clock. */
  time: z.number().int().nonnegative().optional(),
  /** Host directories shared over virtio-9p, in share order (index = position). */
  mounts: z.array(RunMount).optional(),
  /**
   * The container's stdin (`c2w/stdin`): `tty` = the console (raw, no end of input), `port` = the
   * machine's c2w.stdin port, which reads 0 at the end of the host's input (a pipe, as Docker
   * gives without -t). Absent: `tty`.
   */
  stdin: z.enum(['tty', 'port']).optional(),
  /**
   * `c2w run -t` (`c2w/tty` = `ROWS COLS`): the container gets a pty of this size (config.json's
   * process.terminal and consoleSize), which follows the machine's c2w.winsize port from then on.
   */
  tty: z.object({ rows: z.number().int().min(0).max(65535), cols: z.number().int().min(0).max(65535) }).optional(),
  /**
   * The writable layer's disk (`c2w/upper`): the UUID of its ext4 file system as 32 hex digits;
   * the guest mounts that disk and puts the overlay's upper and work directories there. Absent: a
   * tmpfs in guest RAM (docs/decisions/0032).
   */
  upper: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** `c2w commit` (`c2w/commit`): instead of running the container, tar its merged root onto the output disk. */
  commit: z.boolean().optional(),
  /**
   * The machine has a virtio-net on the host's user-mode network (`c2w/net` = `dhcp`): the init
   * brings eth0 up with DHCP and writes resolv.conf; the container shares the guest's network.
   */
  net: z.boolean().optional(),
  config: RuntimeConfig,
});
export type RunManifest = z.infer<typeof RunManifest>;
