import { parentPath } from '@c2w/streams';
import type { IndexedEntry } from './scan.js';

export interface Resolution {
  /** Canonical path reached after following symlinks ('' is the root). */
  path: string;
  /** Index of the entry at that path, if the tree has one. */
  entry: number | undefined;
  /** Indexes of the symlinks followed on the way, in order. */
  via: number[];
}

const MAX_HOPS = 40; // Linux's limit (MAXSYMLINKS)

/** The indexed tree as the image will see it: path lookup and symlink resolution chrooted at ''. */
export class Tree {
  private readonly byPath = new Map<string, number>();
  /** Paths that occur more than once (the last occurrence wins on extraction). */
  readonly repeated = new Set<string>();

  constructor(readonly entries: readonly IndexedEntry[]) {
    entries.forEach((e, i) => {
      if (this.byPath.has(e.path)) this.repeated.add(e.path);
      this.byPath.set(e.path, i);
    });
  }

  lookup(path: string): number | undefined {
    return this.byPath.get(path);
  }

  /** Resolves `path` (absolute, or relative to `base`) like the kernel would inside a chroot. */
  resolve(path: string, base = '', followFinal = true): Resolution {
    const cur: string[] = [];
    const via: number[] = [];
    let pending = [...(path.startsWith('/') ? [] : split(base)), ...split(path)];
    let hops = 0;
    while (pending.length) {
      const part = pending.shift() as string;
      if (part === '..') { cur.pop(); continue; }
      const candidate = [...cur, part].join('/');
      const i = this.byPath.get(candidate);
      const entry = i === undefined ? undefined : this.entries[i];
      if (entry?.type === 'symlink' && (pending.length > 0 || followFinal) && hops++ < MAX_HOPS) {
        via.push(i as number);
        const target = entry.linkname ?? '';
        pending = [...split(target), ...pending];
        if (target.startsWith('/')) cur.length = 0;
        continue;
      }
      cur.push(part);
    }
    const resolved = cur.join('/');
    return { path: resolved, entry: this.byPath.get(resolved), via };
  }

  /** Where a symlink entry points, resolved from its own directory. */
  resolveSymlink(i: number): Resolution {
    const e = this.entries[i] as IndexedEntry;
    return this.resolve(e.linkname ?? '', parentPath(e.path));
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}
