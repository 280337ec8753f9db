import { existsSync } from 'node:fs';
import { BaseCommand, Flags, positionals } from '@c2w/cli-kit';
import { EnvironmentError, UsageError } from '@c2w/errors';
import { assertReadableFile, createAtomicDirectory } from '@c2w/streams';
import { DEFAULT_MAX_MODULE_MIB, parseMaxModuleSize } from './budgets.js';

export default class WasmSplit extends BaseCommand {
  static override toolName = 'wasm-split';
  static override summary = 'Split a module\'s passive data segments into data-only side modules that fit an engine\'s size limit.';
  static override description = `IN.wasm (vfs-embed's output, say) is split into OUTDIR/main.wasm, which imports its memory and
one init function per side module, OUTDIR/data-K.wasm side modules of at most --max-module-size MiB
holding the passive segments, and OUTDIR/split.json listing them with sizes and sha256. Load them
with instantiateSplit() of @c2w/wasm-split (Node and browsers). OUTDIR must not exist.`;

  static override strict = false;
  static override usage = 'wasm-split [--max-module-size MiB] IN.wasm OUTDIR';

  static override flags = {
    'max-module-size': Flags.string({ description: `largest side module, in MiB (1 to 1024; default ${DEFAULT_MAX_MODULE_MIB}: V8 refuses modules over 1 GiB)`, default: String(DEFAULT_MAX_MODULE_MIB), helpValue: 'MiB' }),
  };

  async run(): Promise<void> {
    const { raw, flags } = await this.parse(WasmSplit);
    const args = positionals(raw);
    const [input, output] = args;
    if (input === undefined || output === undefined || args.length !== 2) throw new UsageError('expected IN.wasm OUTDIR: one input module and one output directory');
    if (input === '-') throw new UsageError('IN.wasm cannot be stdin (-): it is read at offsets');
    const max = parseMaxModuleSize(flags['max-module-size']);
    await assertReadableFile(input, 'input');
    if (existsSync(output)) throw new EnvironmentError(`OUTDIR ${output} exists, expected a path to create (remove it first)`);
    const out = await createAtomicDirectory(output, 'output directory');
    try {
      // binaryen (tens of MB) loads when a module is split, not with every `c2w` command
      const { splitModule } = await import('./split.js');
      await splitModule(input, out.path, max, input);
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err;
    }
  }
}
