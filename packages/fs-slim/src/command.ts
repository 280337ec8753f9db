import { readFile } from 'node:fs/promises';
import { Args, BaseCommand, Flags } from '@c2w/cli-kit';
import { InputError, UsageError } from '@c2w/errors';
import { assertReadableFile, createAtomicOutputs, openRereadableInput, readTar, writeAllAtomically } from '@c2w/streams';
import { imageRuntimeFromConfig } from './image-config.js';
import type { ImageRuntime } from './image-command.js';
import { PROFILES, type Profile } from './profiles.js';
import { planSlim, writeSlim } from './slim.js';
import { summarize } from './summary.js';

export default class FsSlim extends BaseCommand {
  static override toolName = 'fs-slim';
  static override summary = 'Make a root file system tar smaller without breaking what the image runs.';
  static override description = `IN is a root file system tar (default: stdin), OUT the slimmed tar (default: stdout).
Rules remove documentation, foreign locales, caches, build inputs...; identical files become hardlinks.
Never removed: /etc, shared libraries, the dynamic loader, what the image's Entrypoint/Cmd runs
(--keep-from), targets of kept symlinks, --keep matches. See the README for every rule.`;

  static override args = {
    in: Args.string({ required: false, default: '-', ignoreStdin: true, description: 'input tar, - for stdin' }),
    out: Args.string({ required: false, default: '-', ignoreStdin: true, description: 'output tar, - for stdout' }),
  };

  static override flags = {
    profile: Flags.string({ description: 'which rules run (cumulative): none, safe, standard, aggressive', options: [...PROFILES], default: 'safe' }),
    remove: Flags.string({ description: 'also remove paths matching GLOB (and everything beneath)', helpValue: 'GLOB', multiple: true, multipleNonGreedy: true, default: [] }),
    keep: Flags.string({ description: 'never remove paths matching GLOB (and everything beneath)', helpValue: 'GLOB', multiple: true, multipleNonGreedy: true, default: [] }),
    'keep-from': Flags.string({ description: "OCI image config JSON: keep what its Entrypoint/Cmd runs, and its LANG's locales", helpValue: 'FILE' }),
    report: Flags.string({ description: 'write the JSON report to FILE (- for stdout when OUT is a file)', helpValue: 'FILE' }),
    'dry-run': Flags.boolean({ description: 'write no tar; the report goes to --report, or stdout', default: false }),
    dedupe: Flags.boolean({ description: 'hardlink identical files (default: on unless --profile none)', allowNo: true }),
    'dedupe-ignore-mtime': Flags.boolean({ description: 'hardlink identical files even when their mtimes differ', default: false }),
    'allow-empty': Flags.boolean({ description: 'accept an input tar without entries (refused by default: it is what a failed stage upstream of a pipe looks like)', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FsSlim);
    const out = args.out ?? '-';
    const dryRun = flags['dry-run'];
    if (dryRun && out !== '-') throw new UsageError('--dry-run writes no tar: drop OUT, or use --report FILE');
    if (!dryRun && out === '-' && flags.report === '-') throw new UsageError('--report - needs OUT to be a file, stdout carries the tar');
    const image = flags['keep-from'] ? await readImageRuntime(flags['keep-from']) : undefined;
    const options = { profile: flags.profile as Profile, remove: flags.remove, keep: flags.keep, image, dedupe: flags.dedupe, dedupeIgnoreMtime: flags['dedupe-ignore-mtime'] };

    const reportPath = flags.report ?? (dryRun ? '-' : undefined);
    const inputName = (args.in ?? '-') === '-' ? 'stdin' : `input tar ${args.in}`;

    const input = await openRereadableInput(args.in ?? '-', 'input tar');
    try {
      // Every output exists (as a temporary) before the work starts, so a missing report directory
      // fails at once; they appear together at the end or not at all.
      const [tarOut, reportOut] = await createAtomicOutputs([
        dryRun ? undefined : { path: out, what: 'output tar' },
        reportPath ? { path: reportPath, what: 'report' } : undefined,
      ]);
      const plan = await writeAllAtomically([tarOut, reportOut], async () => {
        const planned = await planSlim(readTar(input.first(), 'input tar'), options, dryRun);
        if (planned.entries.length === 0 && !flags['allow-empty']) {
          throw new InputError(`no entries in ${inputName}: expected a tar with at least one entry (--allow-empty accepts an empty one)`);
        }
        if (tarOut) await writeSlim(readTar(await input.again(), 'input tar'), planned, tarOut.stream);
        reportOut?.stream.write(`${JSON.stringify(planned.report, null, 2)}\n`);
        return planned;
      });
      for (const line of summarize(plan.report)) this.note(line);
    } finally {
      await input.close();
    }
  }
}

async function readImageRuntime(path: string): Promise<ImageRuntime> {
  await assertReadableFile(path, 'image config');
  const text = await readFile(path, 'utf8').catch((err: unknown) => { throw new InputError(`cannot read image config ${path}`, { cause: err }); });
  return imageRuntimeFromConfig(text, `image config ${path}`);
}
