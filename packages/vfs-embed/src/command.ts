import { stat } from 'node:fs/promises';
import { BaseCommand, Flags, positionals } from '@c2w/cli-kit';
import { UsageError } from '@c2w/errors';
import { assertReadableFile, createSeekableOutput, readFileChunks } from '@c2w/streams';
import type { EmbedSource } from './embed.js';
import { fileSink } from './file-sink.js';
import { parseFileSpec } from './file-spec.js';
import { readInputModule } from './input-module.js';
import { VfsEmbedOptions } from './options.js';

export default class VfsEmbed extends BaseCommand {
  static override toolName = 'vfs-embed';
  static override summary = 'Embed files into a WASI preview1 module, served read-only from passive data segments.';
  static override description = `IN.wasm (a file or - for stdin) is any WASI preview1 command module that opens files. Each FILE
appears in the guest directory --mount (a preopen the module gains) as NAME, its basename unless
given as FILE:NAME. Reads are served by a shim in the module with memory.init of just the bytes
asked for; everything else goes to the host. OUT.wasm - writes to stdout (spooled in $TMPDIR).`;

  static override strict = false;
  static override usage = 'vfs-embed [--mount /DIR] [--allow-large] IN.wasm OUT.wasm FILE[:NAME]...';

  static override flags = {
    mount: Flags.string({ char: 'm', description: 'guest directory the files appear in', default: '/embed', helpValue: '/DIR' }),
    'allow-large': Flags.boolean({ description: 'write a module over 1 GiB (V8 refuses it; wasmtime runs it)', default: false }),
  };

  async run(): Promise<void> {
    const { raw, flags } = await this.parse(VfsEmbed);
    const [input, output, ...specs] = positionals(raw);
    if (input === undefined || output === undefined || specs.length === 0) throw new UsageError('expected IN.wasm OUT.wasm FILE[:NAME]...: IN.wasm, OUT.wasm and at least one FILE');
    if (input !== '-' && input === output) throw new UsageError(`IN.wasm and OUT.wasm are the same file ${input}`);
    const options = VfsEmbedOptions.safeParse({ mount: flags.mount, allowLarge: flags['allow-large'] });
    if (!options.success) throw new UsageError(`invalid option: ${options.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const files = specs.map(parseFileSpec);
    const sources: EmbedSource[] = [];
    for (const f of files) {
      if (f.path === '-') throw new UsageError('a FILE cannot be stdin (-): its size must be known before writing');
      await assertReadableFile(f.path, 'file');
      sources.push({ name: f.name, path: f.path, size: (await stat(f.path)).size, open: () => readFileChunks(f.path) });
    }
    const wasm = await readInputModule(input);

    const out = await createSeekableOutput(output, 'vfs-embed', '.wasm');
    try {
      // binaryen (tens of MB) loads when a module is embedded, not with every `c2w` command
      const { embedFiles } = await import('./embed.js');
      const result = await embedFiles(wasm, sources, fileSink(out.handle), { ...options.data, what: input === '-' ? 'stdin' : input });
      for (const n of result.notes) this.note(`warning: ${n}`);
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err;
    }
  }
}
