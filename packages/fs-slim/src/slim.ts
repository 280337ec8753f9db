import type { Writable } from 'node:stream';
import type { FsSlimReport } from '@c2w/artifacts';
import { InputError, UsageError } from '@c2w/errors';
import { TarWriter, type TarEntry, type TarHeader } from '@c2w/streams';
import { decide } from './decide.js';
import { isDedupeCandidate, planDedupe } from './dedupe.js';
import { commandEntries, imageLocales } from './image-command.js';
import { SlimOptionsSchema, type SlimOptionsInput } from './options.js';
import { DERIVED_PROTECTIONS, staticProtections } from './protections.js';
import { buildReport } from './report.js';
import { rulesFor } from './rules/index.js';
import { scanTar, type IndexedEntry } from './scan.js';
import { Tree } from './tree.js';

/** The outcome of pass one: what each entry becomes, and the report that explains it. */
export interface SlimPlan {
  entries: readonly IndexedEntry[];
  kept: Uint8Array;
  linkTo: ReadonlyMap<number, number>;
  report: FsSlimReport;
}

/**
 * Pass one: index the tar (hashing dedupe candidates), then decide. Rules need the whole tree
 * (symlinks may come after what they point at), which is why slimming takes two passes.
 */
export async function planSlim(entries: AsyncIterable<TarEntry>, input: SlimOptionsInput, dryRun = false): Promise<SlimPlan> {
  const parsed = SlimOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const options = parsed.data;
  const dedupe = options.dedupe ?? options.profile !== 'none';
  const index = await scanTar(entries, (path) => dedupe && isDedupeCandidate(path));
  const tree = new Tree(index);
  const rules = rulesFor(options.profile, options.remove, { locales: imageLocales(options.image) });
  const command = options.image ? commandEntries(options.image, tree) : new Set<number>();
  const statics = staticProtections(options.keep, new Set([...command].map((i) => index[i]?.path ?? '')));
  const decisions = decide(tree, rules, statics);
  const links = dedupe ? planDedupe(index, decisions.kept, tree.repeated, options.dedupeIgnoreMtime) : { linkTo: new Map<number, number>(), bytesSaved: 0 };
  const report = buildReport({
    tree, rules, protections: [...statics, ...DERIVED_PROTECTIONS], decisions,
    dedupe: { ...links, enabled: dedupe, ignoreMtime: options.dedupeIgnoreMtime }, profile: options.profile, dryRun,
  });
  return { entries: index, kept: decisions.kept, linkTo: links.linkTo, report };
}

/** Pass two: copy kept entries verbatim, write duplicates as hardlinks, skip the rest. */
export async function writeSlim(entries: AsyncIterable<TarEntry>, plan: SlimPlan, output: Writable): Promise<void> {
  const writer = new TarWriter(output);
  let i = 0;
  try {
    for await (const { header, body } of entries) {
      const planned = plan.entries[i];
      if (planned?.name !== header.name) throw new InputError(`input changed between passes: entry ${i + 1} is ${JSON.stringify(header.name)}, expected ${JSON.stringify(planned?.name)}`);
      const target = plan.linkTo.get(i);
      if (!plan.kept[i]) { /* removed: the reader drains the body */ } else if (target !== undefined) {
        await writer.add(hardlinkHeader(header, plan.entries[target]?.name ?? ''));
      } else if (header.type === 'file' || header.type === 'contiguous-file' || header.type === undefined) {
        await writer.add(header, body);
      } else {
        await writer.add(header);
      }
      i++;
    }
    if (i !== plan.entries.length) throw new InputError(`input changed between passes: ${i} entries, expected ${plan.entries.length}`);
    await writer.finish();
  } catch (err) {
    writer.destroy(err as Error);
    throw err;
  }
}

function hardlinkHeader(header: TarHeader, target: string): TarHeader {
  const pax = header.pax ? Object.fromEntries(Object.entries(header.pax).filter(([k]) => k !== 'size')) : header.pax;
  return { ...header, type: 'link', linkname: target, size: 0, pax };
}
