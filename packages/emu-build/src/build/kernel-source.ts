import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '@c2w/errors';
import { archivePath } from '@c2w/streams';
import { DebianArchive } from '../debian/archive.js';
import { readDeb } from '../debian/deb-reader.js';
import { OutputCache } from '../cache/output-cache.js';
import { keyOf } from '../cache/cache-key.js';

export const KERNEL_SOURCE_PACKAGE = 'linux-source-6.1';
const TARBALL = `usr/src/${KERNEL_SOURCE_PACKAGE}.tar.xz`;
const CHANGELOG = `usr/share/doc/${KERNEL_SOURCE_PACKAGE}/changelog.Debian.gz`;
const TARBALL_FILE = `${KERNEL_SOURCE_PACKAGE}.tar.xz`;

export interface KernelSourceOptions {
  mirror: string;
  /** Debian suite that carries linux-source-6.1 (bookworm; trixie moved to 6.12). */
  suite: string;
  cache: string;
  outputs: OutputCache;
  offline: boolean;
  /** gpgv keyring for the suite's InRelease (default: Debian's archive keyring). */
  keyring?: string;
  progress: (message: string) => void;
}

export interface KernelSource {
  /** linux-source-6.1.tar.xz, taken out of the verified .deb. */
  tarball: string;
  version: string;
  /** sha256 of the .deb, as the signed Packages index lists it. */
  debSha256: string;
  suite: string;
  /** The date of the newest Debian changelog entry: the kernel build's default SOURCE_DATE_EPOCH. */
  epoch: number;
  /**
   * Re-hashes the cached tarball (extracting it again if it was damaged). A cache hit checks only
   * its size: 138 MB are hashed when a kernel is built from them, not on every conversion.
   */
  verify(): Promise<void>;
}

/**
 * Debian's Linux 6.1 source, resolved by name from the suite's signed binary-all index, checked by
 * sha256 and unpacked in TypeScript, so the kernel depends on declared inputs only, not on what
 * the host has installed. Cached by the .deb's digest.
 */
export async function kernelSource(opts: KernelSourceOptions): Promise<KernelSource> {
  const archive = new DebianArchive({ mirror: opts.mirror, suite: opts.suite, arch: 'all', cache: opts.cache, offline: opts.offline, keyring: opts.keyring, progress: opts.progress });
  const { pkg } = await archive.package(KERNEL_SOURCE_PACKAGE);
  const key = keyOf({ v: 1, deb: pkg.sha256 });
  const what = `${pkg.name}_${pkg.version}_${pkg.architecture}.deb`;

  const extract = async (): Promise<string> => {
    const deb = await archive.deb(pkg);
    opts.progress(`kernel source: unpacking ${TARBALL} from ${what}`);
    const entry = await opts.outputs.store('kernel-source', key, (tmp) => unpack(deb, what, pkg.name, pkg.version, pkg.sha256, tmp));
    return entry.dir;
  };
  const entryDir = async (sizeOnly: readonly string[]): Promise<string> => {
    const hit = await opts.outputs.lookup('kernel-source', key, sizeOnly);
    if (hit.state === 'hit') return hit.entry.dir;
    if (hit.state === 'corrupt') opts.progress(`kernel source: cached ${hit.file} is corrupted (sha256 mismatch), extracting again`);
    return extract();
  };

  const dir = await entryDir([TARBALL_FILE]);
  const { epoch } = JSON.parse(await readFile(join(dir, 'source.json'), 'utf8')) as { epoch: number };
  return {
    tarball: join(dir, TARBALL_FILE),
    version: pkg.version,
    debSha256: pkg.sha256,
    suite: opts.suite,
    epoch,
    verify: async () => { await entryDir([]); },
  };
}

/** Writes the tarball and source.json (version, .deb digest, changelog epoch) into `tmp`. */
async function unpack(deb: string, what: string, name: string, version: string, debSha256: string, tmp: string): Promise<string[]> {
  let tarball = false;
  let epoch: number | undefined;
  await readDeb(createReadStream(deb), what, {
    async entry({ header, body }) {
      const path = archivePath(header.name);
      if (header.type !== 'file') return;
      if (path === TARBALL) {
        await pipeline(Readable.from(body), createWriteStream(join(tmp, TARBALL_FILE)));
        tarball = true;
      } else if (path === CHANGELOG) {
        // A changelog of a few MB at most; read whole so the tar stream is never read twice at once.
        const parts: Buffer[] = [];
        for await (const c of body) parts.push(c);
        epoch = changelogEpoch(gunzipSync(Buffer.concat(parts)).toString('utf8'), `${what} ${CHANGELOG}`);
      }
    },
  });
  if (!tarball) throw new InputError(`${what} has no ${TARBALL}`);
  if (epoch === undefined) throw new InputError(`${what} has no ${CHANGELOG}`);
  await writeFile(join(tmp, 'source.json'), `${JSON.stringify({ package: name, version, deb: `sha256:${debSha256}`, epoch })}\n`);
  return [TARBALL_FILE, 'source.json'];
}

/** kernelSource() with the emu-build output cache under `cache` (for tools/riscv64/kernel-source.mjs). */
export function kernelSourceFor(opts: Omit<KernelSourceOptions, 'outputs'>): Promise<KernelSource> {
  return kernelSource({ ...opts, outputs: new OutputCache(join(opts.cache, 'emu-build')) });
}

/** Seconds since the epoch of the first trailer line (` -- Name <mail>  DATE`) of a Debian changelog. */
export function changelogEpoch(text: string, what: string): number {
  const m = /^ -- .*?>  (.+)$/m.exec(text);
  if (!m) throw new InputError(`${what}: no trailer line with a date`);
  const ms = Date.parse(m[1]!);
  if (Number.isNaN(ms)) throw new InputError(`${what}: cannot read the date ${JSON.stringify(m[1])}`);
  return ms / 1000;
}
