import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BOOT_FILES, Bundle, NATIVE_IMAGE_ARCH, type MachineArch } from '@c2w/artifacts';
import { InputError, UsageError } from '@c2w/errors';
import type { Profile } from '@c2w/fs-slim';
import { packErofs } from '@c2w/erofs-pack';
import { packIso } from '@c2w/iso-pack';
import { openSource, parsePlatform, resolveImage, type ResolvedImage } from '@c2w/layer-flatten';
import { createAtomicDirectory, digestFile } from '@c2w/streams';
import { withRootFsType } from './root-fstype.js';
import { chooseMachine } from './machine-choice.js';
import { obtainRuntimePack, type PackDir } from './runtime-pack.js';
import { writeRootfs } from './rootfs-stream.js';
import { tapTar } from './tar-tap.js';
import { parseUserDb } from './user-db.js';

export interface ConvertOptions {
  image: string;
  outDir: string;
  platform?: string | undefined;
  /** Guest RAM in MiB. */
  memoryMiB: number;
  slim?: Profile | undefined;
  /** Runtime pack directories (`--runtime-pack`, one per machine); else runtimePackEnv, the npm package, emu-build. */
  runtimePack?: string | string[] | undefined;
  /** `--machine`: default, the machine that runs the image's architecture natively (machine-choice.ts). */
  machine?: MachineArch | undefined;
  /** `$C2W_PACK`, and the directory the installed pack package is resolved from. */
  runtimePackEnv?: string | undefined;
  cwd?: string | undefined;
  cache: string;
  offline: boolean;
  /** SOURCE_DATE_EPOCH: fixes every time stamp; unset, the volume gets the current time. */
  epoch?: number | undefined;
  force: boolean;
  registry?: { username?: string | undefined; password?: string | undefined; creds?: string | undefined; insecure?: boolean | undefined };
  /** Live counters while the root filesystem streams into the root disk (a terminal's status line). */
  status?: ((message: string) => void) | undefined;
  /** The root disk's file system: EROFS (sorted, binary-searched directories; default) or ISO 9660. */
  rootFormat?: RootFormat | undefined;
}

export type RootFormat = 'erofs' | 'iso';

/** Root disk file and kernel rootfstype of each format (docs/decisions/0031-erofs-root.md). */
export const ROOT_DISKS: Record<RootFormat, { file: string; fstype: string }> = {
  erofs: { file: 'root.erofs', fstype: 'erofs' },
  iso: { file: 'root.iso', fstype: 'iso9660' },
};

export interface ConvertSummary {
  outDir: string;
  image: { manifestDigest: string; architecture: string; os: string; variant?: string | undefined };
  rootFormat: RootFormat;
  rootBytes: number;
  entries: number;
  runtimePack: string;
  /** The machine the bundle runs on (bundle.json machine.arch). */
  machine: MachineArch;
}

/** Parts of the runtime pack copied into every bundle, by their bundle file name (pack files keep their names). */
const packFiles = (machine: MachineArch) => ['machine.wasm', ...(BOOT_FILES[machine].firmware ? [BOOT_FILES[machine].firmware] : []), BOOT_FILES[machine].kernel];

/**
 * IMAGE -> bundle directory, composing the tools' libraries in-process: layer-flatten (-> fs-slim)
 * -> iso-pack (guest.tar at /, the image's root at /oci/rootfs) next to the runtime pack. All work
 * happens in an atomic directory (`.<out>.tmp-<pid>`, renamed into place at the end), so OUT is
 * never partial.
 */
export async function convertImage(o: ConvertOptions, progress: (message: string) => void = () => undefined): Promise<ConvertSummary> {
  if (!o.force && (await exists(o.outDir))) throw new UsageError(`output ${o.outDir} already exists (pass --force to replace it)`);
  const out = await createAtomicDirectory(o.outDir, 'bundle', { replace: o.force });
  const stage = out.path;
  const outDir = out.target;
  try {
    await mkdir(join(stage, '.scratch'));
    const platform = o.platform !== undefined ? parsePlatform(o.platform) : undefined;
    const source = await openSource(o.image, o.registry ?? {});
    let image: ResolvedImage;
    let isoResult: { entries: number };
    const rootFormat = o.rootFormat ?? 'erofs';
    const disk = ROOT_DISKS[rootFormat];
    let db: ReturnType<typeof parseUserDb>;
    let pack: PackDir;
    try {
      image = await resolveImage(source, platform);
      const { architecture, os } = image.config;
      progress(`image: ${o.image} is ${os}/${architecture}${image.config.variant ? `/${image.config.variant}` : ''}, ${image.layers.length} layers, manifest ${image.manifestDigest}`);
      if (os !== 'linux') throw new InputError(`${o.image}: image OS ${os} is not supported (linux only)`);
      const machine = chooseMachine(architecture, o.machine);
      const dirs = typeof o.runtimePack === 'string' ? [o.runtimePack] : o.runtimePack;
      pack = await obtainRuntimePack({ dirs, env: o.runtimePackEnv, machine, cwd: o.cwd ?? '.', buildInto: join(stage, '.pack'), cache: o.cache, offline: o.offline, epoch: o.epoch ?? 0 }, progress);
      const supported = [NATIVE_IMAGE_ARCH[machine], ...pack.pack.boot.foreignArches];
      if (!supported.includes(architecture)) throw new InputError(`${o.image}: image architecture ${architecture} is not supported (supported: ${supported.join(', ')})`);
      if (architecture !== NATIVE_IMAGE_ARCH[machine]) progress(`image: ${architecture} runs through qemu-user inside the ${machine} guest (slower than native)`);

      progress(`${disk.file}: flattening the image into the guest root`);
      ({ isoResult, db } = await packRoot(o, image, source, pack, stage, rootFormat, progress));
    } finally {
      await source.close();
    }
    const rootBytes = (await stat(join(stage, disk.file))).size;
    progress(`${disk.file}: ${isoResult.entries} entries, ${(rootBytes / 1048576).toFixed(1)} MiB`);

    const machine = pack.pack.arch;
    const copied = packFiles(machine);
    for (const name of copied) await copyFile(join(pack.dir, name), join(stage, name));
    await writeFile(join(stage, 'image-config.json'), image.configBytes);
    const files: Bundle['files'] = {};
    for (const name of [...copied, disk.file, 'image-config.json']) files[name] = await digestFile(join(stage, name));
    const bundle: Bundle = Bundle.parse({
      schemaVersion: 1,
      mediaType: 'application/vnd.c2w.bundle.v1+json',
      machine: { arch: machine, wasm: 'machine.wasm', memory: `${o.memoryMiB}M` },
      // the pack's command line names iso9660 (or no type); the root format is the bundle's choice
      boot: { ...BOOT_FILES[machine], append: withRootFsType(pack.pack.boot.append, disk.fstype), consoleGate: pack.pack.boot.consoleGate, stdinPort: pack.pack.boot.stdinPort, tty: pack.pack.boot.tty,
        ...(pack.pack.boot.containerInit !== undefined ? { containerInit: pack.pack.boot.containerInit } : {}) },
      disks: [{ file: disk.file, readonly: true }],
      image: {
        config: 'image-config.json',
        manifestDigest: image.manifestDigest,
        architecture: image.config.architecture,
        os: image.config.os,
        ...(image.config.variant ? { variant: image.config.variant } : {}),
        users: db.users,
        groups: db.groups,
      },
      channel: pack.pack.boot.channel,
      runtimePack: pack.digest,
      files,
    });
    await writeFile(join(stage, 'bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
    await rm(join(stage, '.scratch'), { recursive: true, force: true });
    await rm(join(stage, '.pack'), { recursive: true, force: true });
    await out.commit();
    return {
      outDir,
      image: { manifestDigest: image.manifestDigest, architecture: image.config.architecture, os: image.config.os, variant: image.config.variant },
      rootFormat,
      rootBytes,
      entries: isoResult.entries,
      runtimePack: pack.digest,
      machine,
    };
  } catch (err) {
    await out.abort();
    throw err;
  }
}

/** guest.tar at the disk's root and the image's root filesystem grafted at the pack's container root. */
async function packRoot(o: ConvertOptions, image: ResolvedImage, source: Parameters<typeof writeRootfs>[0], pack: PackDir, stage: string, format: RootFormat, progress: (m: string) => void) {
  const file = ROOT_DISKS[format].file;
  const rootfs = new PassThrough({ highWaterMark: 1 << 20 });
  const tap = tapTar(rootfs, o.status && ((entries, bytes) => o.status?.(`${file}: ${entries} entries, ${(bytes / 1048576).toFixed(1)} MiB of the image's root filesystem`)));
  const handle = await open(join(stage, file), 'w+');
  try {
    const producing = writeRootfs(source, image, tap.sink, { slim: o.slim, scratch: join(stage, '.scratch'), epoch: o.epoch ?? 0, progress })
      .catch((err: unknown) => { rootfs.destroy(err as Error); throw err; });
    const inputs = [
      { source: createReadStream(join(pack.dir, 'guest.tar'), { highWaterMark: 1 << 20 }), graft: '', what: 'guest.tar' },
      { source: rootfs, graft: pack.pack.boot.containerRoot.replace(/^\/+/, ''), what: 'image root filesystem' },
    ];
    const epoch = o.epoch ?? Math.floor(Date.now() / 1000);
    const note = (m: string): void => progress(`${file}: ${m}`);
    const packing = (format === 'erofs'
      ? packErofs(inputs, handle, { label: 'C2W', epoch }, note)
      : packIso(inputs, handle, { joliet: false, jolietLong: false, dedupe: true, volumeId: 'C2W', epoch }, note)
    ).catch((err: unknown) => { tap.sink.destroy(err as Error); throw err; });
    const [produced, packed] = await Promise.allSettled([producing, packing]);
    if (produced.status === 'rejected') throw produced.reason;
    if (packed.status === 'rejected') throw packed.reason;
    const files = await tap.files;
    return { isoResult: packed.value, db: parseUserDb(files.get('etc/passwd') ?? '', files.get('etc/group') ?? '') };
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
