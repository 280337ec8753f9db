import { BaseCommand, Flags, positionals, sourceDateEpoch } from '@c2w/cli-kit';
import { UsageError } from '@c2w/errors';
import { packTarImage } from '@c2w/streams';
import { ErofsPackOptions } from './options.js';
import { packErofs } from './pack.js';

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
    if (flags.json && flags.output === '-') throw new UsageError('--json needs -o FILE: stdout carries the image');
    const parsed = ErofsPackOptions.safeParse({ label: flags.label, epoch: sourceDateEpoch() ?? Math.floor(Date.now() / 1000) });
    if (!parsed.success) throw new UsageError(`invalid option: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const result = await packTarImage({
      specs: positionals(raw), output: flags.output, tool: 'erofs-pack', extension: '.erofs', allowEmpty: flags['allow-empty'],
      pack: (inputs, handle) => packErofs(inputs, handle, parsed.data, (m) => this.note(m)),
    });
    if (flags.json) process.stdout.write(`${JSON.stringify({ output: flags.output, entries: result.entries, bytes: result.blocks * 4096 }, null, 2)}\n`);
  }
}
