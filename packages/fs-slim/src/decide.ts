import { archivePath, parentPath } from '@c2w/streams';
import { DERIVED_PROTECTIONS, type StaticProtection } from './protections.js';
import type { Rule } from './rules/index.js';
import type { Tree } from './tree.js';

/** Per entry: the rule that matched it (-1 none), whether it stays, and what protected it. */
export interface Decisions {
  rule: Int32Array;
  kept: Uint8Array;
  /** Index into [...static protections, ...DERIVED_PROTECTIONS]; -1 when none was needed. */
  protectedBy: Int32Array;
}

/**
 * The first matching rule removes an entry unless a static protection covers it. Then, until
 * nothing changes, kept symlinks and hardlinks pull their targets (and every symlink on the way)
 * back in, and finally every kept entry keeps its ancestor directories.
 */
export function decide(tree: Tree, rules: readonly Rule[], statics: readonly StaticProtection[]): Decisions {
  const n = tree.entries.length;
  const rule = new Int32Array(n).fill(-1);
  const kept = new Uint8Array(n).fill(1);
  const protectedBy = new Int32Array(n).fill(-1);
  const [symlinkTarget, hardlinkTarget, ancestor] = DERIVED_PROTECTIONS.map((_p, k) => statics.length + k) as [number, number, number];

  tree.entries.forEach((e, i) => {
    const r = rules.findIndex((x) => (e.type !== 'directory' || x.removesDirectories) && x.matches(e));
    if (r < 0) return;
    rule[i] = r;
    const p = statics.findIndex((s) => s.test(e.path));
    if (p >= 0) protectedBy[i] = p;
    else kept[i] = 0;
  });

  const work: number[] = [];
  const restore = (j: number | undefined, why: number) => {
    if (j === undefined || kept[j]) return;
    kept[j] = 1;
    protectedBy[j] = why;
    work.push(j);
  };
  tree.entries.forEach((e, i) => { if (kept[i] && (e.type === 'symlink' || e.type === 'link')) work.push(i); });
  while (work.length) {
    const i = work.pop() as number;
    const e = tree.entries[i];
    if (e?.type === 'symlink') {
      const r = tree.resolveSymlink(i);
      r.via.forEach((j) => restore(j, symlinkTarget));
      restore(r.entry, symlinkTarget);
    } else if (e?.type === 'link') {
      restore(tree.lookup(archivePath(e.linkname ?? '', `hardlink ${e.name}`)), hardlinkTarget);
    }
  }

  const seen = new Set<string>();
  tree.entries.forEach((e, i) => {
    if (!kept[i]) return;
    for (let p = parentPath(e.path); p !== '' && !seen.has(p); p = parentPath(p)) {
      seen.add(p);
      const j = tree.lookup(p);
      if (j !== undefined && !kept[j]) { kept[j] = 1; protectedBy[j] = ancestor; }
    }
  });
  return { rule, kept, protectedBy };
}
