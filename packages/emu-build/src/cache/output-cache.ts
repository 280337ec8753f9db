import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAtomicDirectory, digestFile, tempPathFor } from '@c2w/streams';

/** How entry.json records a file: bare sha256 hex (the format existing caches hold). */
export interface CachedFile {
  sha256: string;
  size: number;
}

export interface CacheEntry {
  dir: string;
  files: Record<string, CachedFile>;
}

export type CacheLookup =
  | { state: 'hit'; entry: CacheEntry }
  | { state: 'miss' }
  | { state: 'corrupt'; file: string; dir: string };

/**
 * Build outputs keyed by the digest of their inputs: `<root>/<kind>/<key>/` holds the files and
 * `entry.json` with their sha256. A lookup re-hashes every file, so a damaged entry is detected
 * (and rebuilt by the caller) instead of being shipped.
 */
export class OutputCache {
  constructor(readonly root: string) {}

  dirOf(kind: string, key: string): string {
    return join(this.root, kind, key);
  }

  /**
   * `sizeOnly` names large files that are re-hashed later, only if they are used (the kernel source
   * tarball, needed only when the kernel itself is not cached): here only their size is checked.
   */
  async lookup(kind: string, key: string, sizeOnly: readonly string[] = []): Promise<CacheLookup> {
    const dir = this.dirOf(kind, key);
    let recorded: Record<string, CachedFile>;
    try {
      recorded = JSON.parse(await readFile(join(dir, 'entry.json'), 'utf8')).files;
    } catch {
      return { state: 'miss' };
    }
    for (const [name, want] of Object.entries(recorded)) {
      if (sizeOnly.includes(name)) {
        const size = await stat(join(dir, name)).then((s) => s.size, () => -1);
        if (size !== want.size) return { state: 'corrupt', file: join(dir, name), dir };
        continue;
      }
      const got = await cachedFile(join(dir, name)).catch(() => undefined);
      if (!got || got.sha256 !== want.sha256 || got.size !== want.size) return { state: 'corrupt', file: join(dir, name), dir };
    }
    return { state: 'hit', entry: { dir, files: recorded } };
  }

  /**
   * Runs `produce` in a fresh temporary directory, records the digests of the files it names and
   * renames the directory into place: an interrupted build never leaves an entry behind.
   */
  async store(kind: string, key: string, produce: (dir: string) => Promise<string[]>): Promise<CacheEntry> {
    const dir = this.dirOf(kind, key);
    // A unique temporary name: one process may build the same key twice at once.
    const out = await createAtomicDirectory(dir, `${kind} cache entry`, { tempPath: `${tempPathFor(dir)}-${Math.random().toString(36).slice(2)}` });
    const files: Record<string, CachedFile> = {};
    try {
      const names = await produce(out.path);
      for (const name of [...names].sort()) files[name] = await cachedFile(join(out.path, name));
      await writeFile(join(out.path, 'entry.json'), `${JSON.stringify({ key, files }, null, 1)}\n`);
      await rm(dir, { recursive: true, force: true });
    } catch (err) {
      await out.abort();
      throw err;
    }
    try {
      await out.commit();
    } catch (err) {
      // Another process stored the same key meanwhile: same inputs, so keep theirs if it checks out.
      const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      const theirs = code === 'ENOTEMPTY' || code === 'EEXIST' ? await this.lookup(kind, key) : undefined;
      if (theirs?.state !== 'hit') throw err;
      return theirs.entry;
    }
    return { dir, files };
  }
}

async function cachedFile(path: string): Promise<CachedFile> {
  const { digest, size } = await digestFile(path);
  return { sha256: digest.slice('sha256:'.length), size };
}
