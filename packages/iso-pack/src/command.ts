import { BaseCommand, Flags, positionals, sourceDateEpoch } from '@c2w/cli-kit';
import { UsageError } from '@c2w/errors';
import { packTarImage } from '@c2w/streams';
import { IsoPackOptions } from './options.js';
import { packIso } from './pack.js';

export default class IsoPack extends BaseCommand {
  static override toolName = 'iso-pack';
  static override summary = 'Pack tar streams into an ISO 9660 image with Rock Ridge (and optionally Joliet).';
  static override description = `Each INPUT is a tar (a file or - for stdin), optionally grafted under a directory of the image:
rootfs.tar:/oci/rootfs. The image is written in one streaming pass; with -o - it is spooled to a
temporary file in $TMPDIR and then copied to stdout. SOURCE_DATE_EPOCH fixes every time the tar does not.`;

  static override strict = false;
  static override usage = 'iso-pack [options] INPUT... [-o OUT.iso|-]';

  static override flags = {
    output: Flags.string({ char: 'o', description: 'image to write, - for stdout', default: '-', helpValue: 'OUT.iso' }),
    joliet: Flags.boolean({ description: 'add a Joliet tree (64-character names, 240-byte paths)', default: false }),
    'joliet-long': Flags.boolean({ description: 'add a Joliet tree with 103-character names and no path limit', default: false }),
    dedupe: Flags.boolean({ description: 'store identical file contents once', default: false }),
    'volume-id': Flags.string({ char: 'V', description: 'volume label (up to 32 characters)', default: 'CDROM', helpValue: 'LABEL' }),
    json: Flags.boolean({ description: 'print a JSON summary on stdout (output, entries, bytes); needs -o FILE', default: false }),
    'allow-empty': Flags.boolean({ description: 'accept an INPUT without entries (refused by default: it is what a failed stage upstream of a pipe looks like)', default: false }),
  };

  async run(): Promise<void> {
    const { raw, flags } = await this.parse(IsoPack);
    if (flags.json && flags.output === '-') throw new UsageError('--json needs -o FILE: stdout carries the image');
    const parsed = IsoPackOptions.safeParse({
      joliet: flags.joliet, jolietLong: flags['joliet-long'], dedupe: flags.dedupe, volumeId: flags['volume-id'], epoch: sourceDateEpoch() ?? Math.floor(Date.now() / 1000),
    });
    if (!parsed.success) throw new UsageError(`invalid option: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const result = await packTarImage({
      specs: positionals(raw), output: flags.output, tool: 'iso-pack', extension: '.iso', allowEmpty: flags['allow-empty'],
      pack: (inputs, handle) => packIso(inputs, handle, parsed.data, (m) => this.note(m)),
    });
    if (flags.json) process.stdout.write(`${JSON.stringify({ output: flags.output, entries: result.entries, bytes: result.volumeBlocks * 2048 }, null, 2)}\n`);
  }
}
