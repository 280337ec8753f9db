import type { IndexedEntry } from './scan.js';

/**
 * Files only under these roots become hardlinks: they are read-only by convention (FHS), whereas
 * an in-place write to a hardlinked file in /etc, /var or a home directory would change its twin.
 */
const DEDUPE_ROOTS = /^(usr|bin|sbin|opt|lib[^/]*)\//;

export function isDedupeCandidate(path: string): boolean {
  return DEDUPE_ROOTS.test(path);
}

export interface DedupeResult {
  /** Entry index -> index of the earlier identical file it becomes a hardlink to. */
  linkTo: Map<number, number>;
  bytesSaved: number;
}

/**
 * A later file with the same content and the same metadata as an earlier kept one becomes a
 * hardlink to it: a hardlink shares mode, owner, xattrs and mtime with its target, so anything
 * but equality would change what the image sees. Paths that occur twice in the tar are left
 * alone, because the later occurrence replaces the earlier on extraction.
 */
export function planDedupe(entries: readonly IndexedEntry[], kept: Uint8Array, repeated: ReadonlySet<string>, ignoreMtime: boolean): DedupeResult {
  const first = new Map<string, number>();
  const linkTo = new Map<number, number>();
  let bytesSaved = 0;
  entries.forEach((e, i) => {
    if (!kept[i] || e.digest === undefined || repeated.has(e.path)) return;
    const key = [e.digest, e.size, e.mode, e.uid, e.gid, e.owner, e.xattrs, ignoreMtime ? '' : e.mtime].join('\0');
    const target = first.get(key);
    if (target === undefined) first.set(key, i);
    else {
      linkTo.set(i, target);
      bytesSaved += e.size;
    }
  });
  return { linkTo, bytesSaved };
}
