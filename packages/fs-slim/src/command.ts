import { readFile } from 'node:fs/promises';
import { Args, BaseCommand, Flags } from '@c2w/cli-kit';
import { InputError, UsageError } from '@c2w/errors';
import { assertReadableFile, openRereadableInput, readTar, writeAtomically } from '@c2w/streams';
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
    remove: Flags.string({ description: 'also remove paths matching GLOB (and everything beneath)', helpValue: 'GLOB', multiple: true, default: [] }),
    keep: Flags.string({ description: 'never remove paths matching GLOB (and everything beneath)', helpValue: 'GLOB', multiple: true, default: [] }),
    'keep-from': Flags.string({ description: "OCI image config JSON: keep what its Entrypoint/Cmd runs, and its LANG's locales", helpValue: 'FILE' }),
    report: Flags.string({ description: 'write the JSON report to FILE (- for stdout when OUT is a file)', helpValue: 'FILE' }),
    'dry-run': Flags.boolean({ description: 'write no tar; the report goes to --report, or stdout', default: false }),
    dedupe: Flags.boolean({ description: 'hardlink identical files (default: on unless --profile none)', allowNo: true }),
    'dedupe-ignore-mtime': Flags.boolean({ description: 'hardlink identical files even when their mtimes differ', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FsSlim);
    const out = args.out ?? '-';
    const dryRun = flags['dry-run'];
    if (dryRun && out !== '-') throw new UsageError('--dry-run writes no tar: drop OUT, or use --report FILE');
    if (!dryRun && out === '-' && flags.report === '-') throw new UsageError('--report - needs OUT to be a file, stdout carries the tar');
    const image = flags['keep-from'] ? await readImageRuntime(flags['keep-from']) : undefined;
    const options = { profile: flags.profile as Profile, remove: flags.remove, keep: flags.keep, image, dedupe: flags.dedupe, dedupeIgnoreMtime: flags['dedupe-ignore-mtime'] };

    const input = await openRereadableInput(args.in ?? '-', 'input tar');
    try {
      const plan = await planSlim(readTar(input.first(), 'input tar'), options, dryRun);
      if (!dryRun) await writeAtomically(out, 'output tar', async (stream) => writeSlim(readTar(await input.again(), 'input tar'), plan, stream));
      const json = `${JSON.stringify(plan.report, null, 2)}\n`;
      const reportPath = flags.report ?? (dryRun ? '-' : undefined);
      if (reportPath) await writeAtomically(reportPath, 'report', async (stream) => { stream.write(json); });
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
