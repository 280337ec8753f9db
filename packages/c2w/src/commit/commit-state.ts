import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Bundle } from '@c2w/artifacts';
import { InputError, UsageError } from '@c2w/errors';
import { packErofs } from '@c2w/erofs-pack';
import { packIso } from '@c2w/iso-pack';
import { createAtomicDirectory, digestFile } from '@c2w/streams';
import { ROOT_DISKS, type RootFormat } from '../convert/convert-image.js';
import { withRootFsType } from '../convert/root-fstype.js';
import { obtainRuntimePack } from '../convert/runtime-pack.js';
import { tapTar } from '../convert/tar-tap.js';
import { parseUserDb } from '../convert/user-db.js';
import { readBundle } from '../run/read-bundle.js';
import { bundleImage } from '../wlayer/bundle-image.js';
import { lockState } from '../wlayer/state-lock.js';
import { readStateRecord } from '../wlayer/state-record.js';
import { readExt4Uuid } from '../wlayer/writable-layer.js';
import { dumpMergedRoot } from './dump-root.js';
import { mergeXattrs } from './pax-merge.js';
import { readXattrRecords } from './xattr-records.js';

export interface CommitOptions {
  stateDir: string;
  outDir: string;
  force: boolean;
  /** SOURCE_DATE_EPOCH for the new root disk; unset, the current time. */
  epoch?: number | undefined;
  runtimePack?: string | undefined;
  runtimePackEnv?: string | undefined;
  cwd: string;
  cache: string;
  offline: boolean;
  debug?: boolean;
}

/**
 * A state -> a new bundle whose root is the state's container root (`docker commit`): the guest
 * dumps the merged overlay's xattrs and tars it (ADR 0032, 0043), the xattrs go into the tar as PAX
 * records, and the root is packed in the state's bundle's root format (erofs-pack or iso-pack, as
 * convert) beside the runtime pack's guest.tar; the machine, firmware, kernel and image config are
 * the state's bundle's. OUT is an atomic directory: never partial.
 */
export async function commitState(o: CommitOptions, loadMachine: () => Promise<typeof import('@c2w/machine')>, progress: (m: string) => void): Promise<{ outDir: string; entries: number; rootFile: string; rootBytes: number; xattrFiles: number }> {
  if (!o.force && (await stat(o.outDir).catch(() => undefined))) throw new UsageError(`output ${o.outDir} already exists (pass --force to replace it)`);
  const record = await readStateRecord(o.stateDir);
  if (!record) throw new InputError(`${o.stateDir} is not a c2w container state (no state.json; run c2w run --name first)`);
  const release = await lockState(o.stateDir, `state ${o.stateDir}`);
  try {
    const b = await readBundle(record.bundle);
    if (bundleImage(b).rootDisks.join() !== record.image.rootDisks.join())
      throw new InputError(`state ${o.stateDir}: its bundle ${record.bundle} now holds another image than the state was made from`);
    const upper = { path: join(o.stateDir, record.disk.file), uuid: '' };
    upper.uuid = await readExt4Uuid(upper.path);
    const out = await createAtomicDirectory(o.outDir, 'bundle', { replace: o.force });
    try {
      const stage = out.path;
      const scratch = join(stage, '.scratch');
      await mkdir(scratch);
      const rootTar = join(scratch, 'root.tar');
      progress('commit: writing the container root from the guest');
      await dumpMergedRoot({ bundle: b, upper, out: rootTar, scratch, debug: o.debug ?? false }, loadMachine);
      // a pack built here carries its build's epoch: convert's default (0) first, then SOURCE_DATE_EPOCH's
      let pack = await obtainRuntimePack({ dirs: o.runtimePack === undefined ? undefined : [o.runtimePack], machine: b.bundle.machine.arch, env: o.runtimePackEnv, cwd: o.cwd, buildInto: join(stage, '.pack'), cache: o.cache, offline: o.offline, epoch: 0 }, progress);
      if (pack.digest !== b.bundle.runtimePack && o.epoch !== undefined && o.epoch !== 0 && pack.dir === join(stage, '.pack')) {
        await rm(pack.dir, { recursive: true, force: true });
        pack = await obtainRuntimePack({ dirs: o.runtimePack === undefined ? undefined : [o.runtimePack], machine: b.bundle.machine.arch, env: o.runtimePackEnv, cwd: o.cwd, buildInto: join(stage, '.pack'), cache: o.cache, offline: o.offline, epoch: o.epoch }, progress);
      }
      if (pack.digest !== b.bundle.runtimePack) throw new InputError(`runtime pack ${pack.dir} is ${pack.digest}, the state's bundle was made with ${b.bundle.runtimePack} (pass that pack with --runtime-pack)`);
      const format = rootFormatOf(b.bundle.boot.append);
      const disk = ROOT_DISKS[format];
      progress(`commit: packing ${disk.file}`);
      const { entries, db, xattrFiles } = await packRoot(rootTar, join(pack.dir, 'guest.tar'), pack.pack.boot.containerRoot, join(stage, disk.file), format, o.epoch, (m) => progress(`commit: ${disk.file}: ${m}`));
      if (format === 'iso' && xattrFiles > 0) progress(`commit: root.iso cannot carry xattrs: ${xattrFiles} file(s) lose theirs (convert with the default --root-format erofs to keep them)`);
      const keep = [b.bundle.machine.wasm, b.bundle.boot.firmware, b.bundle.boot.kernel, b.bundle.image.config].filter((n): n is string => n !== undefined);
      for (const name of keep) await copyFile(b.path(name), join(stage, name));
      const files: Bundle['files'] = {};
      for (const name of [...keep, disk.file]) files[name] = await digestFile(join(stage, name));
      const boot = { ...b.bundle.boot, append: withRootFsType(b.bundle.boot.append, disk.fstype) };
      const bundle = Bundle.parse({ ...b.bundle, boot, disks: [{ file: disk.file, readonly: true }], image: { ...b.bundle.image, users: db.users, groups: db.groups }, files });
      await writeFile(join(stage, 'bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
      await rm(scratch, { recursive: true, force: true });
      await rm(join(stage, '.pack'), { recursive: true, force: true });
      const rootBytes = (await stat(join(stage, disk.file))).size;
      await out.commit();
      return { outDir: out.target, entries, rootFile: disk.file, rootBytes, xattrFiles };
    } catch (err) {
      await out.abort();
      throw err;
    }
  } finally {
    await release();
  }
}

/** The bundle's root format, by the kernel's rootfstype= (convert writes it; without one, ISO 9660). */
export const rootFormatOf = (append: string): RootFormat => (/\brootfstype=erofs\b/.test(append) ? 'erofs' : 'iso');

/**
 * guest.tar at the disk's root and the committed root at the container root, as convert packs
 * them: the output disk holds the guest's xattr records, then the tar, which gets them as PAX records.
 */
async function packRoot(outDisk: string, guestTar: string, containerRoot: string, file: string, format: RootFormat, epoch: number | undefined, note: (m: string) => void) {
  const records = createReadStream(outDisk, { highWaterMark: 1 << 20 });
  const { xattrs, tarOffset } = await readXattrRecords(records, 'commit').finally(() => records.destroy());
  const rootfs = new PassThrough({ highWaterMark: 1 << 20 });
  const tap = tapTar(rootfs);
  const handle = await open(file, 'w+');
  try {
    const feeding = mergeXattrs(createReadStream(outDisk, { start: tarOffset, highWaterMark: 1 << 20 }), tap.sink, xattrs, 'the committed root');
    const inputs = [
      { source: createReadStream(guestTar, { highWaterMark: 1 << 20 }), graft: '', what: 'guest.tar' },
      { source: rootfs, graft: containerRoot.replace(/^\/+/, ''), what: 'committed root filesystem' },
    ];
    const time = epoch ?? Math.floor(Date.now() / 1000);
    const packing = (format === 'erofs'
      ? packErofs(inputs, handle, { label: 'C2W', epoch: time }, note)
      : packIso(inputs, handle, { joliet: false, jolietLong: false, dedupe: true, volumeId: 'C2W', epoch: time }, note)
    ).catch((err: unknown) => { tap.sink.destroy(err as Error); throw err; });
    const [fed, packed] = await Promise.allSettled([feeding, packing]);
    if (packed.status === 'rejected') throw packed.reason;
    if (fed.status === 'rejected') throw fed.reason;
    const files = await tap.files;
    return { entries: packed.value.entries, xattrFiles: fed.value, db: parseUserDb(files.get('etc/passwd') ?? '', files.get('etc/group') ?? '') };
  } finally {
    await handle.close();
  }
}
