import { z } from 'zod';
import { Digest } from './oci.js';
import { MACHINE_ARCHES } from './runtime-pack.js';

const FileRef = z.object({ digest: Digest, size: z.number().int().nonnegative() });
/** A file name inside the bundle directory: no directories, nothing hidden, nothing that escapes. */
const BundleFile = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name inside the bundle');

/**
 * bundle.json: what `c2w convert` writes and `c2w run` reads. A directory of plain files named
 * here; later formats (one embedded .wasm, split modules, a pre-boot snapshot) describe the same
 * parts, so `files` maps every part to its digest and the other fields name parts by role.
 */
export const Bundle = z.object({
  schemaVersion: z.literal(1),
  mediaType: z.literal('application/vnd.c2w.bundle.v1+json'),
  machine: z.object({
    /** The machine's board and CPU (its config `"arch"`); bundles from before x86_64 say nothing: riscv64. */
    arch: z.enum(MACHINE_ARCHES).default('riscv64'),
    wasm: BundleFile,
    /** Guest RAM as the machine's --memory takes it, e.g. "256M". */
    memory: z.string().regex(/^\d+[KMG]?$/),
  }),
  boot: z.object({
    /** riscv64's OpenSBI; absent on x86_64, whose kernel is entered through its PVH note. */
    firmware: BundleFile.optional(),
    kernel: BundleFile,
    append: z.string(),
    /** Run the machine with --console-gate: the guest says when console input may flow. */
    consoleGate: z.boolean().default(false),
    /** The init can take stdin from the machine's --stdin-port device (end of input reaches it). */
    stdinPort: z.boolean().default(false),
    /** The init can give the container a pty that follows the machine's --winsize port (c2w run -t). */
    tty: z.boolean().default(false),
    /** The guest's PID 1 program for containers that run through qemu-user (the pack's boot.containerInit). */
    containerInit: z.string().optional(),
  }),
  /** virtio-blk disks in order (the first is /dev/vda); the run channel is attached after them. */
  disks: z.array(z.object({ file: BundleFile, readonly: z.boolean() })).min(1),
  image: z.object({
    /** The image's OCI config JSON, byte for byte. */
    config: BundleFile,
    manifestDigest: Digest,
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    /** Users and groups of the image's /etc/passwd and /etc/group, to resolve `User` names. */
    users: z.record(z.string(), z.object({ uid: z.number().int().nonnegative(), gid: z.number().int().nonnegative() })),
    groups: z.record(z.string(), z.number().int().nonnegative()),
  }),
  /** How the host passes runtime overrides: a tar on the disk after `disks` (emu-build's init). */
  channel: z.object({ format: z.literal('tar'), version: z.literal(1) }),
  /** Digest of the runtime pack's pack.json this bundle was made from. */
  runtimePack: Digest,
  files: z.record(BundleFile, FileRef),
});
export type Bundle = z.infer<typeof Bundle>;
