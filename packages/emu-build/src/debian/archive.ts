import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EnvironmentError, InputError } from '@c2w/errors';
import { createAtomicFile, writeAtomically } from '@c2w/streams';
import { ContentStore } from '../cache/content-store.js';
import { parseStanzaStream } from './control-fields.js';
import { compressionByName, decompress } from '@c2w/streams';
import { httpGet } from './http.js';
import { parseRelease, signedText, verifyInRelease, DEBIAN_KEYRING, type IndexFile, type Release } from './in-release.js';
import { buildIndex, PackageIndex, type BinaryPackage } from './packages-index.js';
import { resolveClosure } from './resolve.js';

export interface ArchiveOptions {
  /** e.g. http://deb.debian.org/debian; unused when offline. */
  mirror: string;
  suite: string;
  /** Debian architecture of the guest (riscv64). */
  arch: string;
  /** Cache root (~/.cache/c2w). */
  cache: string;
  offline: boolean;
  keyring?: string;
  progress: (message: string) => void;
}

export interface ResolvedSet {
  suite: string;
  release: { date: string; inReleaseSha256: string; indexes: IndexFile[] };
  packages: BinaryPackage[];
}

/** Missing cache item in --offline mode: environment (exit 3), naming what is missing. */
export function offlineMissing(item: string, path: string): EnvironmentError {
  return new EnvironmentError(`--offline: ${item} is not in the cache (${path}); run once without --offline`);
}

/**
 * The Debian archive as apt sees it, but in TypeScript: a gpgv-verified InRelease, Packages
 * indexes checked against its SHA256 list, dependency resolution, and .debs checked against the
 * index. Everything downloaded lands in content-addressed stores under the cache.
 */
export class DebianArchive {
  readonly debs: ContentStore;
  private readonly indexes: ContentStore;
  private releaseOnce?: Promise<{ release: Release; sha256: string }>;
  private indexOnce?: Promise<PackageIndex>;

  constructor(private readonly opts: ArchiveOptions) {
    this.debs = new ContentStore(join(opts.cache, 'debs'));
    this.indexes = new ContentStore(join(opts.cache, 'debian-index'));
  }

  /** Fetches (or in offline mode reads) and verifies InRelease, once per instance. */
  release(): Promise<{ release: Release; sha256: string }> {
    this.releaseOnce ??= this.loadRelease();
    return this.releaseOnce;
  }

  private async loadRelease(): Promise<{ release: Release; sha256: string }> {
    const { suite, cache, offline, mirror } = this.opts;
    const keep = join(cache, 'debian-index', suite, 'InRelease');
    if (!offline) {
      await mkdir(dirname(keep), { recursive: true });
      this.opts.progress(`fetching ${mirror}/dists/${suite}/InRelease`);
      const chunks: Buffer[] = [];
      for await (const c of await httpGet(`${mirror}/dists/${suite}/InRelease`, `InRelease of ${suite}`)) chunks.push(Buffer.from(c));
      const out = await createAtomicFile(keep, `InRelease of ${suite}`);
      try {
        await out.handle.writeFile(Buffer.concat(chunks));
        await verifyInRelease(out.tempPath, this.opts.keyring ?? DEBIAN_KEYRING);
        // Checked before the commit: the kept copy (for --offline) is always one for this suite.
        const loaded = await this.readRelease(out.tempPath);
        await out.commit();
        return loaded;
      } catch (err) {
        await out.abort();
        throw err;
      }
    }
    const exists = await readFile(keep).then(() => true, () => false);
    if (!exists) throw offlineMissing(`the ${suite} InRelease`, keep);
    await verifyInRelease(keep, this.opts.keyring ?? DEBIAN_KEYRING);
    return this.readRelease(keep);
  }

  /** Parses a verified InRelease and checks that it is the suite asked for. */
  private async readRelease(path: string): Promise<{ release: Release; sha256: string }> {
    const { suite } = this.opts;
    const bytes = await readFile(path);
    const release = parseRelease(signedText(bytes.toString('utf8')));
    if (release.codename !== suite && release.suite !== suite) throw new InputError(`InRelease is for ${release.codename}/${release.suite}, expected ${suite}`);
    return { release, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** The index files to read: binary-<arch>, plus binary-all unless the archive merges it in. */
  indexFiles(release: Release): IndexFile[] {
    // arch "all" (the kernel source) reads binary-all alone, the smallest index holding it.
    const names = this.opts.arch === 'all' ? [] : [`main/binary-${this.opts.arch}/Packages.xz`];
    // "No-Support-for-Architecture-all: Packages" means arch-all packages are listed in every
    // binary-<arch> index too (Debian since bookworm), so binary-all adds nothing.
    if (release.noArchAll !== 'Packages' || this.opts.arch === 'all') names.push('main/binary-all/Packages.xz');
    return names.map((n) => {
      const f = release.files.get(n);
      if (!f) throw new InputError(`InRelease of ${this.opts.suite} does not list ${n}`);
      return f;
    });
  }

  /** Resolves the closure of `requested`; cached by the index digests, so warm runs skip parsing. */
  async resolve(requested: readonly string[]): Promise<ResolvedSet> {
    const { release, sha256 } = await this.release();
    const files = this.indexFiles(release);
    const key = createHash('sha256').update(JSON.stringify({ v: 1, arch: this.opts.arch, files, requested: [...requested].sort() })).digest('hex');
    const memo = join(this.opts.cache, 'emu-build', 'resolved', `${key}.json`);
    const cached = await readFile(memo, 'utf8').then((t) => JSON.parse(t) as BinaryPackage[], () => undefined);
    const result = (packages: BinaryPackage[]): ResolvedSet => ({ suite: this.opts.suite, release: { date: release.date, inReleaseSha256: sha256, indexes: files }, packages });
    if (cached) return result(cached);

    this.indexOnce ??= this.loadIndex(files);
    const index = await this.indexOnce;
    let packages: BinaryPackage[];
    try {
      packages = resolveClosure(index, requested);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw new InputError(`Debian ${this.opts.suite}: ${err.message} (${files.map((f) => f.path).join(', ')})`, { cause: err });
    }
    await writeMemo(memo, packages);
    return result(packages);
  }

  /**
   * The newest version of one package, without its dependencies (a source tarball, not something
   * to install); memoised like resolve().
   */
  async package(name: string): Promise<{ pkg: BinaryPackage; release: ResolvedSet['release'] }> {
    const { release, sha256 } = await this.release();
    const files = this.indexFiles(release);
    const key = createHash('sha256').update(JSON.stringify({ v: 1, arch: this.opts.arch, files, package: name })).digest('hex');
    const memo = join(this.opts.cache, 'emu-build', 'resolved', `${key}.json`);
    let pkg = await readFile(memo, 'utf8').then((t) => JSON.parse(t) as BinaryPackage, () => undefined);
    if (!pkg) {
      this.indexOnce ??= this.loadIndex(files);
      pkg = (await this.indexOnce).newest(name);
      if (!pkg) throw new InputError(`Debian ${this.opts.suite} has no package ${name} (${files.map((f) => f.path).join(', ')})`);
      await writeMemo(memo, pkg);
    }
    return { pkg, release: { date: release.date, inReleaseSha256: sha256, indexes: files } };
  }

  private async loadIndex(files: IndexFile[]): Promise<PackageIndex> {
    const index = new PackageIndex();
    for (const f of files) {
      const path = await this.fetchIndex(f);
      this.opts.progress(`reading ${f.path} (${(f.size / 1e6).toFixed(1)} MB)`);
      const text = decompress(compressionByName(f.path), createReadStream(path), f.path);
      await buildIndex(parseStanzaStream(text, f.path), [this.opts.arch, 'all'], f.path, index);
    }
    return index;
  }

  private async fetchIndex(f: IndexFile): Promise<string> {
    const expected = { sha256: f.sha256, size: f.size };
    if ((await this.indexes.has(expected)) && (await this.indexes.verify(expected, f.path))) return this.indexes.pathOf(f.sha256);
    if (this.opts.offline) throw offlineMissing(`index ${f.path}`, this.indexes.pathOf(f.sha256));
    this.opts.progress(`fetching ${f.path} (${(f.size / 1e6).toFixed(1)} MB)`);
    // by-hash URLs would avoid a race with a mirror update; the plain path is what every mirror has.
    const body = await httpGet(`${this.opts.mirror}/dists/${this.opts.suite}/${f.path}`, f.path);
    return this.indexes.put(body, expected, `${this.opts.suite}/${f.path}`);
  }

  /** The path of a verified .deb in the cache, downloading it if needed. */
  async deb(pkg: BinaryPackage): Promise<string> {
    const expected = { sha256: pkg.sha256, size: pkg.size };
    const what = `${pkg.name}_${pkg.version}_${pkg.architecture}.deb`;
    // Re-hash on use: a .deb damaged in the cache is dropped and fetched again.
    if ((await this.debs.has(expected)) && (await this.debs.verify(expected, what))) return this.debs.pathOf(pkg.sha256);
    if (this.opts.offline) throw offlineMissing(what, this.debs.pathOf(pkg.sha256));
    this.opts.progress(`downloading ${what} (${(pkg.size / 1e6).toFixed(1)} MB)`);
    const body = await httpGet(`${this.opts.mirror}/${pkg.filename}`, what);
    return this.debs.put(body, expected, what);
  }
}

/** A memo appears whole or not at all, so a killed run never leaves JSON that fails to parse. */
async function writeMemo(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeAtomically(path, 'resolved package memo', async (out) => { out.write(JSON.stringify(value)); });
}
