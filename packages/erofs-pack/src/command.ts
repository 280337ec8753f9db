import { BaseCommand, Flags, positionals, sourceDateEpoch } from '@c2w/cli-kit';
import { InputError, UsageError } from '@c2w/errors';
import { assertReadableFile, createSeekableOutput, readFileChunks } from '@c2w/streams';
import { parseInputSpec } from './input-spec.js';
import { ErofsPackOptions } from './options.js';
import { packErofs, type PackInput, type PackResult } from './pack.js';

export default class ErofsPack extends BaseCommand {
  static override toolName = 'erofs-pack';
  static override summary = 'Pack tar streams into an EROFS image (uncompressed, sorted directories).';
  static override description = `Each INPUT is a tar (a file or - for stdin), optionally grafted under a directory of the image:
rootfs.tar:/oci/rootfs. The image is written in one streaming pass; with -o - it is spooled to a
temporary file in $TMPDIR and then copied to stdout. SOURCE_DATE_EPOCH fixes every time the tar does not.`;

  static override strict = false;
  static override usage = 'erofs-pack [options] INPUT... [-o OUT.erofs|-]';

  static override flags = {
    output: Flags.string({ char: 'o', description: 'image to write, - for stdout', default: '-', helpValue: 'OUT.erofs' }),
    label: Flags.string({ char: 'L', description: 'volume name (up to 16 characters)', default: '', helpValue: 'LABEL' }),
    json: Flags.boolean({ description: 'print a JSON summary on stdout (output, entries, bytes); needs -o FILE', default: false }),
    'allow-empty': Flags.boolean({ description: 'accept an INPUT without entries (refused by default: it is what a failed stage upstream of a pipe looks like)', default: false }),
  };

  async run(): Promise<void> {
    const { raw, flags } = await this.parse(ErofsPack);
    const specs = positionals(raw).map(parseInputSpec); // in order, repeats included
    if (specs.length === 0) throw new UsageError('no INPUT given, expected one or more tar files or -');
    if (specs.filter((s) => s.path === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
    if (flags.json && flags.output === '-') throw new UsageError('--json needs -o FILE: stdout carries the image');
    const parsed = ErofsPackOptions.safeParse({ label: flags.label, epoch: sourceDateEpoch() ?? Math.floor(Date.now() / 1000) });
    if (!parsed.success) throw new UsageError(`invalid option: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const s of specs) if (s.path !== '-') await assertReadableFile(s.path, 'input');

    const watched = specs.map((s) => ({ spec: s, what: s.path === '-' ? 'stdin' : `input ${s.path}`, entries: false }));
    const inputs: PackInput[] = watched.map((w) => ({
      source: noticeEntries(w.spec.path === '-' ? process.stdin : readFileChunks(w.spec.path), w),
      graft: w.spec.graft,
      what: w.what,
    }));
    const out = await createSeekableOutput(flags.output, 'erofs-pack', '.erofs');
    let result: PackResult;
    try {
      result = await packErofs(inputs, out.handle, parsed.data, (m) => this.note(m));
      const empty = flags['allow-empty'] ? undefined : watched.find((w) => !w.entries);
      if (empty) throw new InputError(`no entries in ${empty.what}: expected a tar with at least one entry (--allow-empty accepts an empty one)`);
      await out.commit();
    } catch (err) {
      await out.abort();
      throw out.blame(err); // a full disk names the image (or the spool in $TMPDIR), not the entry being copied
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ output: flags.output, entries: result.entries, bytes: result.blocks * 4096 }, null, 2)}\n`);
  }
}

/**
 * Passes a tar's bytes through and notes whether it has an entry: a tar without entries is nothing
 * but zero blocks (or no bytes at all), and any header has non-zero bytes (its magic, its checksum).
 */
async function* noticeEntries(source: AsyncIterable<Uint8Array>, seen: { entries: boolean }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (!seen.entries && chunk.some((b) => b !== 0)) seen.entries = true;
    yield chunk;
  }
}
