import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MACHINE_ARCHES, NATIVE_IMAGE_ARCH, RuntimePack, type MachineArch } from '@c2w/artifacts';
import { EnvironmentError, UsageError } from '@c2w/errors';
import { createAtomicDirectory, digestFile, type FileDigest } from '@c2w/streams';
import { DebianArchive } from './debian/archive.js';
import { hostDebianMirror } from './debian/mirror.js';
import { OutputCache } from './cache/output-cache.js';
import { keyOf } from './cache/cache-key.js';
import { buildGuestTar } from './guest/build-guest.js';
import { requestedPackages } from './guest/guest-spec.js';
import { GUEST_ARCH } from './guest/guest-arch.js';
import { guestToolsKey, PID1_TOOL } from './guest/guest-tools.js';
import { firmware, FIRMWARE_PATH } from './build/firmware.js';
import { kernelImage } from './build/kernel.js';
import { kernelSource } from './build/kernel-source.js';
import { machineWasm } from './build/machine-wasm.js';
import { EmuBuildOptions, packageRoot, type ResolvedOptions } from './options.js';

export const KERNEL_APPEND = 'console=ttyS0 root=/dev/vda ro rootfstype=iso9660 init=/usr/sbin/c2w-init loglevel=1';

export interface BuildResult {
  out: string;
  pack: RuntimePack;
  /** Which outputs came from the cache. */
  cacheHits: string[];
}

/**
 * Builds the runtime pack into `out`: every part from its content-addressed cache entry when the
 * inputs are unchanged, else built and cached. The pack is assembled in a temporary directory
 * beside `out` and renamed into place, so `out` is either the old pack or the complete new one.
 */
export async function buildPack(input: EmuBuildOptions, progress: (message: string) => void = () => undefined): Promise<BuildResult> {
  const parsed = EmuBuildOptions.safeParse(input);
  if (!parsed.success) throw new UsageError(`bad options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const o: ResolvedOptions = parsed.data;
  const cache = new OutputCache(join(o.cache, 'emu-build'));
  const hits: string[] = [];
  const mirror = o.mirror ?? (o.offline ? 'offline:' : await hostDebianMirror());
  const archive = new DebianArchive({ mirror, suite: o.suite, arch: o.arch, cache: o.cache, offline: o.offline, progress });

  // The kernel source's InRelease is fetched while the guest packages resolve (one round trip less).
  const sourcing = kernelSource({ mirror, suite: o.kernelSuite, cache: o.cache, outputs: cache, offline: o.offline, progress });
  sourcing.catch(() => undefined); // awaited below; a failure before then must not be unhandled

  // 1. Debian: signed index -> package closure (cached by index digests).
  const spec = { arch: o.arch, foreignArches: o.foreignArches, ociRuntime: o.ociRuntime };
  const guestSet = await archive.resolve(requestedPackages(spec));
  progress(`debian ${o.suite} (${guestSet.release.date}): ${guestSet.packages.map((p) => `${p.name} ${p.version}`).join(', ')}`);

  // 2. guest.tar, keyed by the exact .debs, the init script and the guest layout version.
  const initDigest = await digestFile(o.initScript);
  const dhcpDigest = await digestFile(join(dirname(o.initScript), 'udhcpc.script')); // installed beside the init
  const guestKey = keyOf({ v: 1, debs: guestSet.packages.map((p) => p.sha256), init: hexOf(initDigest), dhcp: hexOf(dhcpDigest), foreign: o.foreignArches, runtime: o.ociRuntime, epoch: o.sourceDateEpoch, layout: await layoutDigest(), tools: await guestToolsKey(o.arch) });
  let guest = await cache.lookup('guest', guestKey);
  if (guest.state === 'corrupt') progress(`guest: cached ${guest.file} is corrupted (sha256 mismatch), rebuilding`);
  if (guest.state === 'hit') hits.push('guest.tar');
  else {
    const debs: Array<{ pkg: (typeof guestSet.packages)[number]; path: string }> = [];
    for (const pkg of guestSet.packages) debs.push({ pkg, path: await archive.deb(pkg) });
    progress('guest: writing guest.tar');
    const entry = await cache.store('guest', guestKey, async (tmp) => {
      await buildGuestTar({ spec, debs, initScript: o.initScript, sourceDateEpoch: o.sourceDateEpoch, scratch: join(tmp, '.scratch') }, join(tmp, 'guest.tar'));
      return ['guest.tar'];
    });
    guest = { state: 'hit', entry };
  }

  const machineArch = machineFor(o.arch);
  // 3. Firmware (riscv64 only: x86_64 enters the kernel through its PVH note).
  let fw: { path: string; opensbi: (typeof guestSet.packages)[number] } | undefined;
  if (machineArch === 'riscv64') {
    const fwSet = await archive.resolve(['opensbi']);
    const opensbi = fwSet.packages.find((p) => p.name === 'opensbi')!;
    fw = { path: await firmware(opensbi, () => archive.deb(opensbi), cache, progress), opensbi };
  }

  // 4. machine.wasm and 5. the kernel (tools/<arch>/build-kernel.sh cache; slowest, so last).
  const machine = await machineWasm({ dir: o.machineDir, cache, offline: o.offline, progress });
  const source = await sourcing;
  const layout = GUEST_ARCH[o.arch].kernel;
  const kernel = await kernelImage({ script: o.kernelScript, layout, cache: o.kernelCache ?? o.cache, offline: o.offline, source, progress });

  // pack.json lists the files in this order (riscv64's order is the one its packs always had)
  const files: Record<string, string> = { 'machine.wasm': machine.path };
  if (fw) files['fw_dynamic.bin'] = fw.path;
  files[layout.file] = kernel.image;
  files['guest.tar'] = join(guest.entry.dir, 'guest.tar');
  const digests: Record<string, FileDigest> = {};
  for (const [name, path] of Object.entries(files)) digests[name] = await digestFile(path);
  const pack: RuntimePack = RuntimePack.parse({
    schemaVersion: 1,
    mediaType: 'application/vnd.c2w.runtime-pack.v1+json',
    arch: machineArch,
    files: digests,
    boot: { append: KERNEL_APPEND, init: '/usr/sbin/c2w-init', consoleGate: true, stdinPort: true, tty: true, containerInit: `/${PID1_TOOL.path}`, containerRoot: '/oci/rootfs', channel: { format: 'tar', version: 1 }, exit: 'sifive_test', foreignArches: o.foreignArches, ociRuntime: o.ociRuntime },
    inputs: {
      tool: { name: '@c2w/emu-build', version: await toolVersion() },
      sourceDateEpoch: o.sourceDateEpoch,
      debian: {
        suite: o.suite,
        releaseDate: guestSet.release.date,
        inRelease: `sha256:${guestSet.release.inReleaseSha256}`,
        indexes: guestSet.release.indexes.map((f) => ({ path: f.path, digest: `sha256:${f.sha256}`, size: f.size })),
        packages: [...guestSet.packages, ...(fw ? [fw.opensbi] : [])].map((p) => ({ name: p.name, version: p.version, architecture: p.architecture, filename: p.filename, digest: `sha256:${p.sha256}`, size: p.size })),
      },
      ...(fw ? { firmware: { package: 'opensbi', version: fw.opensbi.version, path: FIRMWARE_PATH } } : {}),
      kernel: { cacheKey: kernel.key, release: kernel.release, config: kernel.configDigest, inputs: kernel.inputs },
      machine: { sources: machine.sources, compiler: machine.compiler, toolchain: machine.toolchain },
      init: initDigest,
    },
  });
  await writePackDir(resolve(o.out), files, pack);
  progress(`wrote ${o.out}`);
  return { out: resolve(o.out), pack, cacheHits: hits };
}

/** The machine that runs a guest of this architecture natively (amd64 -> x86_64). */
export function machineFor(arch: string): MachineArch {
  const m = MACHINE_ARCHES.find((a) => NATIVE_IMAGE_ARCH[a] === arch);
  if (!m) throw new UsageError(`no machine runs ${arch} guests (have: ${MACHINE_ARCHES.join(', ')})`);
  return m;
}

/** The bare hex the guest key has always hashed (a changed key would rebuild every cached guest.tar). */
const hexOf = (d: FileDigest) => d.digest.slice('sha256:'.length);

/** Digest of the code that decides guest.tar's layout, so changing it invalidates the cache. */
async function layoutDigest(): Promise<string> {
  const parts: Buffer[] = [];
  for (const f of ['guest-arch', 'guest-spec', 'build-guest', 'busybox-applets', 'binfmt', 'guest-tools']) {
    const js = join(packageRoot, 'dist', 'guest', `${f}.js`);
    const ts = join(packageRoot, 'src', 'guest', `${f}.ts`);
    parts.push(await readFile(ts).catch(() => readFile(js)));
  }
  return keyOf(parts.map((p) => p.toString('base64')));
}

async function toolVersion(): Promise<string> {
  return (JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

async function writePackDir(out: string, files: Record<string, string>, pack: RuntimePack): Promise<void> {
  const dir = await createAtomicDirectory(out, 'pack', { replace: true });
  try {
    for (const [name, path] of Object.entries(files)) await copyFile(path, join(dir.path, name));
    await writeFile(join(dir.path, 'pack.json'), `${JSON.stringify(pack, null, 2)}\n`);
  } catch (err) {
    await dir.abort();
    if (err instanceof Error && 'code' in err) throw new EnvironmentError(`writing the pack to ${out} failed: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
    throw err;
  }
  await dir.commit();
}
