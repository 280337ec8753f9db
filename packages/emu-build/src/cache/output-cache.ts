import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFile, type FileDigest } from './file-digest.js';

export interface CacheEntry {
  dir: string;
  files: Record<string, FileDigest>;
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
    let recorded: Record<string, FileDigest>;
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
      const got = await digestFile(join(dir, name)).catch(() => undefined);
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
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await mkdir(tmp, { recursive: true });
    try {
      const names = await produce(tmp);
      const files: Record<string, FileDigest> = {};
      for (const name of [...names].sort()) files[name] = await digestFile(join(tmp, name));
      await writeFile(join(tmp, 'entry.json'), `${JSON.stringify({ key, files }, null, 1)}\n`);
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(tmp, dir);
      } catch (err) {
        // Another process stored the same key meanwhile: same inputs, so keep theirs if it checks out.
        const code = (err as NodeJS.ErrnoException).code;
        const theirs = code === 'ENOTEMPTY' || code === 'EEXIST' ? await this.lookup(kind, key) : undefined;
        if (theirs?.state !== 'hit') throw err;
        await rm(tmp, { recursive: true, force: true });
        return theirs.entry;
      }
      return { dir, files };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}
