import type { FsSlimReport } from '@c2w/artifacts';
import { compareBytes, parentPath } from '@c2w/streams';
import type { Decisions } from './decide.js';
import type { DedupeResult } from './dedupe.js';
import type { Protection } from './protections.js';
import type { Rule } from './rules/index.js';
import type { IndexedEntry } from './scan.js';
import type { Tree } from './tree.js';

const TOP_DIRECTORIES = 20;
const TOP_DEPTH = 3;

export interface ReportInput {
  tree: Tree;
  rules: readonly Rule[];
  protections: readonly Protection[];
  decisions: Decisions;
  dedupe: DedupeResult & { enabled: boolean; ignoreMtime: boolean };
  profile: FsSlimReport['profile'];
  dryRun: boolean;
}

const isFile = (e: IndexedEntry) => e.type === 'file' || e.type === 'contiguous-file';
const bytesOf = (e: IndexedEntry) => (isFile(e) ? e.size : 0);

export function buildReport({ tree, rules, protections, decisions, dedupe, profile, dryRun }: ReportInput): FsSlimReport {
  const { rule, kept, protectedBy } = decisions;
  const removed = rules.map((r) => ({ id: r.id, profile: r.profile, files: 0, directories: 0, bytes: 0 }));
  const kepts = protections.map((p) => ({ id: p.id, files: 0, bytes: 0 }));
  const input = { entries: 0, files: 0, bytes: 0 };
  const output = { entries: 0, files: 0, bytes: 0 };
  const dirs = new Map<string, { bytesBefore: number; bytesAfter: number; filesBefore: number; filesAfter: number }>();

  tree.entries.forEach((e, i) => {
    const dir = e.type === 'directory';
    const bytes = bytesOf(e);
    const stays = kept[i] === 1;
    const after = stays && !dedupe.linkTo.has(i) ? bytes : 0;
    input.entries++; input.files += dir ? 0 : 1; input.bytes += bytes;
    if (stays) { output.entries++; output.files += dir ? 0 : 1; output.bytes += after; }
    const r = rule[i] ?? -1;
    const removal = stays ? undefined : removed[r];
    const protection = stays && r >= 0 ? kepts[protectedBy[i] ?? -1] : undefined;
    if (removal) {
      if (dir) removal.directories++;
      else removal.files++;
      removal.bytes += bytes;
    }
    if (protection && !dir) { protection.files++; protection.bytes += bytes; }
    if (dir) return;
    for (let p = parentPath(e.path); p !== ''; p = parentPath(p)) {
      if (p.split('/').length > TOP_DEPTH) continue;
      const d = dirs.get(p) ?? { bytesBefore: 0, bytesAfter: 0, filesBefore: 0, filesAfter: 0 };
      d.bytesBefore += bytes; d.bytesAfter += after; d.filesBefore++; d.filesAfter += stays ? 1 : 0;
      dirs.set(p, d);
    }
  });

  return {
    schemaVersion: 1,
    profile,
    dryRun,
    input,
    output,
    removed: removed.filter((r) => r.files + r.directories > 0),
    protected: kepts.filter((p) => p.files > 0),
    dedupe: { enabled: dedupe.enabled, ignoreMtime: dedupe.ignoreMtime, hardlinks: dedupe.linkTo.size, bytesSaved: dedupe.bytesSaved },
    danglingSymlinksCreated: danglingCreated(tree, kept),
    topDirectories: [...dirs]
      .sort(([a, x], [b, y]) => y.bytesBefore - x.bytesBefore || compareBytes(a, b))
      .slice(0, TOP_DIRECTORIES)
      .map(([path, d]) => ({ path: `/${path}`, ...d })),
  };
}

/** Kept symlinks that resolved in the input but not in the output; decide() should leave none. */
function danglingCreated(tree: Tree, kept: Uint8Array): FsSlimReport['danglingSymlinksCreated'] {
  const out: FsSlimReport['danglingSymlinksCreated'] = [];
  tree.entries.forEach((e, i) => {
    if (!kept[i] || e.type !== 'symlink') return;
    const r = tree.resolveSymlink(i);
    if (r.entry !== undefined && (!kept[r.entry] || r.via.some((j) => !kept[j]))) out.push({ path: `/${e.path}`, target: e.linkname ?? '' });
  });
  return out;
}
