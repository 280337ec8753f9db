import { Args, BaseCommand, Flags, createProgress, sourceDateEpoch } from '@c2w/cli-kit';
import { defaultCacheDir } from '@c2w/emu-build';
import { UsageError } from '@c2w/errors';
import { commitState } from '../commit/commit-state.js';
import { loadMachine } from '../run/load-machine.js';
import { stateDirOf } from '../wlayer/state-paths.js';

export default class Commit extends BaseCommand {
  static override toolName = 'c2w commit';
  static override summary = 'Write a new bundle from a kept container state (c2w run --name): the image with the container\'s changes applied.';
  static override description = 'NAME is a state made by `c2w run --name NAME` (or give --state DIR and omit NAME). Files the container deleted are gone from the new root; xattrs (file capabilities included) are kept when the root is EROFS (the default). Run the result with `c2w run OUT`.';
  static override examples = ['<%= config.bin %> run --name dev ./b -- sh -c \'echo hi > /greeting\' && <%= config.bin %> commit dev ./b2 && <%= config.bin %> run ./b2 -- cat /greeting'];

  static override args = {
    name: Args.string({ required: false, description: 'the state\'s name (c2w run --name)' }),
    outDir: Args.string({ required: false, description: 'bundle directory to write', ignoreStdin: true }),
  };

  static override flags = {
    state: Flags.string({ description: 'the state\'s directory (c2w run --state) instead of NAME', helpValue: 'DIR' }),
    force: Flags.boolean({ description: 'replace OUT if it exists', default: false }),
    'runtime-pack': Flags.string({ description: 'runtime pack directory (as c2w convert); it must be the bundle\'s', helpValue: 'DIR' }),
    cache: Flags.string({ description: 'cache directory for the runtime pack', helpValue: 'DIR' }),
    offline: Flags.boolean({ description: 'use only cached runtime pack inputs', default: false }),
    'guest-debug': Flags.boolean({ description: 'show kernel and init messages (on stderr)', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Commit);
    // with --state the one positional is OUT
    const outDir = flags.state !== undefined && args.outDir === undefined ? args.name : args.outDir;
    const name = flags.state !== undefined && args.outDir === undefined ? undefined : args.name;
    if (outDir === undefined || (name === undefined && flags.state === undefined)) throw new UsageError('expected NAME OUT, or --state DIR OUT');
    const stateDir = stateDirOf({ name, stateDir: flags.state })!;
    const progress = createProgress(Commit.toolName);
    const summary = await commitState({
      stateDir, outDir, force: flags.force, epoch: sourceDateEpoch(), runtimePack: flags['runtime-pack'], runtimePackEnv: process.env['C2W_PACK'],
      cwd: process.cwd(), cache: flags.cache ?? defaultCacheDir(), offline: flags.offline, debug: flags['guest-debug'],
    }, loadMachine, progress.note).finally(() => progress.stop());
    this.note(`wrote ${summary.outDir} (${summary.rootFile}: ${summary.entries} entries, ${summary.xattrFiles} with xattrs; run it with: c2w run ${outDir})`);
  }
}
