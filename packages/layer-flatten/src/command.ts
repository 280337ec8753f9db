import { Args, BaseCommand, Flags, createProgress, sharedFlags, sourceDateEpoch } from '@c2w/cli-kit';
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
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(LayerFlatten);
    const display = createProgress(LayerFlatten.toolName);
    await flattenImage({
      source: args.source,
      out: args.out ?? '-',
      platform: flags.platform,
      configOut: flags['config-out'],
      creds: flags.creds,
      username: flags.username,
      password: flags.password,
      insecure: flags.insecure,
      epoch: sourceDateEpoch(),
    }, progressStatus(display.status)).finally(() => display.stop());
  }
}
