import { Args, BaseCommand, Flags, createProgress, sharedFlags, sourceDateEpoch } from '@c2w/cli-kit';
import { UsageError } from '@c2w/errors';
import { flattenImage } from './flatten.js';
import { progressStatus } from './progress.js';

export default class LayerFlatten extends BaseCommand {
  static override toolName = 'layer-flatten';
  static override summary = 'Flatten a container image into the tar of its final root filesystem.';
  static override description = `SOURCE is oci:DIR[:tag], oci-archive:FILE[:tag], docker-archive:FILE[:ref], docker://HOST/REPO[:tag|@digest] or a plain image reference.
OUT is the tar to write (default: stdout).`;

  static override args = {
    source: Args.string({ required: true, description: 'image to flatten' }),
    out: Args.string({ required: false, default: '-', ignoreStdin: true, description: 'output tar, - for stdout' }),
  };

  static override flags = {
    ...sharedFlags,
    'config-out': Flags.string({ description: "write the selected image's OCI config JSON to FILE", helpValue: 'FILE' }),
    creds: Flags.string({ description: 'registry credentials (default: ~/.docker/config.json or $DOCKER_CONFIG)', helpValue: 'USER:PASSWORD' }),
    username: Flags.string({ description: 'registry user name (with --password)' }),
    password: Flags.string({ description: 'registry password (with --username)' }),
    insecure: Flags.boolean({ description: 'allow plain http to any registry (loopback registries always use http)', default: false }),
    json: Flags.boolean({ description: 'print a JSON summary on stdout (out, manifestDigest, layers, entries); needs OUT to be a file', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(LayerFlatten);
    const out = args.out ?? '-';
    if (flags.json && out === '-') throw new UsageError('--json needs OUT to be a file: stdout carries the tar');
    const display = createProgress(LayerFlatten.toolName);
    const summary = await flattenImage({
      source: args.source,
      out,
      platform: flags.platform,
      configOut: flags['config-out'],
      creds: flags.creds,
      username: flags.username,
      password: flags.password,
      insecure: flags.insecure,
      epoch: sourceDateEpoch(),
    }, progressStatus(display.status)).finally(() => display.stop());
    if (flags.json) process.stdout.write(`${JSON.stringify({ out, ...summary }, null, 2)}\n`);
  }
}
