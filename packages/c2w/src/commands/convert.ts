import { resolve } from 'node:path';
import { Args, BaseCommand, Flags, createProgress, sharedFlags, sourceDateEpoch } from '@c2w/cli-kit';
import { MACHINE_ARCHES, type MachineArch } from '@c2w/artifacts';
import { defaultCacheDir } from '@c2w/emu-build';
import { UsageError } from '@c2w/errors';
import { convertImage } from '../convert/convert-image.js';
import { convertToSingleFile } from '../convert/convert-single-file.js';
import { convertToSplitSet } from '../convert/convert-split.js';

export default class Convert extends BaseCommand {
  static override toolName = 'c2w convert';
  static override summary = 'Convert a container image into a bundle, or one .wasm, that runs in WebAssembly.';
  static override description = `IMAGE takes every form layer-flatten reads (oci:DIR[:tag], oci-archive:FILE, docker-archive:FILE, docker://..., a registry reference).
OUT (a directory) receives bundle.json, machine.wasm, the firmware, the kernel and the root disk (root.erofs, or root.iso with
--root-format iso); run it with \`c2w run OUT\`.
OUT ending in .wasm (or --format wasm) is one WASI preview1 module holding all of them: run it on any WASI host
(\`wasmtime out.wasm echo hello\`, \`c2w run out.wasm -- echo hello\`; docs/single-file.md).
--format wasm-split writes OUT as a directory: that module cut into main.wasm and data-K.wasm of at most 1023 MiB
each, and split.json, for images past V8's 1 GiB module limit (\`c2w run OUT\`, or wasm-split's loader).`;

  static override examples = ['<%= config.bin %> convert oci:./image:latest ./hello-bundle', '<%= config.bin %> convert oci:./image:latest hello.wasm', '<%= config.bin %> convert --slim standard docker://127.0.0.1:5000/python:3 ./py'];

  static override args = {
    image: Args.string({ required: true, description: 'container image to convert' }),
    outDir: Args.string({ required: true, description: 'bundle directory, or a .wasm file, to write', ignoreStdin: true }),
  };

  static override flags = {
    ...sharedFlags,
    memory: Flags.integer({ description: 'guest RAM in MiB', default: 256, min: 64, max: 3072 }),
    slim: Flags.string({ description: 'slim the root filesystem with this fs-slim profile first', options: ['safe', 'standard', 'aggressive'] }),
    machine: Flags.string({ description: 'the machine to run on; default: the one that runs the image\'s architecture natively (x86_64 for amd64, riscv64 for riscv64), else riscv64 with qemu-user. --machine riscv64 runs an amd64 image through qemu-user (for comparison, or without the x86_64 pack)', options: [...MACHINE_ARCHES] }),
    'runtime-pack': Flags.string({ description: 'runtime pack directory (emu-build output), repeatable (one per machine; the one for the chosen machine is used); then $C2W_PACK (DIR[:DIR]), the installed @c2w/runtime-pack-<machine>, else emu-build\'s cached build (in a clone)', helpValue: 'DIR', multiple: true, multipleNonGreedy: true }),
    cache: Flags.string({ description: 'cache directory for the runtime pack', helpValue: 'DIR' }),
    offline: Flags.boolean({ description: 'use only cached runtime pack inputs; fail if something is missing', default: false }),
    format: Flags.string({ description: 'bundle: a directory for c2w run and c2w serve; wasm: one module any WASI host runs (docs/single-file.md); wasm-split: main.wasm + data modules of at most 1 GiB each + split.json, for roots past V8\'s 1 GiB module limit; web: a directory any static host with HTTP ranges serves (docs/serve.md). Default: wasm when OUT ends in .wasm, else bundle', options: ['bundle', 'wasm', 'wasm-split', 'web'] }),
    force: Flags.boolean({ description: 'replace OUT if it exists', default: false }),
    creds: Flags.string({ description: 'registry credentials USER:PASSWORD', helpValue: 'USER:PASSWORD' }),
    insecure: Flags.boolean({ description: 'allow plain http to registries other than localhost', default: false }),
    json: Flags.boolean({ description: 'print a JSON summary on stdout', default: false }),
    snapshot: Flags.boolean({ description: 'boot the machine (riscv64 or x86_64) now and embed wizer\'s snapshot of it, so a run starts where the boot ended (docs/decisions/0041, 0049). Default: on for one .wasm, off for --format wasm-split (its conversion needs ~720 MiB with it); --no-snapshot keeps the module that boots at every start', allowNo: true }),
    'root-format': Flags.string({ description: 'file system of the root disk: erofs (sorted directories, fast lookups in big ones) or iso (ISO 9660 + Rock Ridge)', options: ['erofs', 'iso'], default: 'erofs' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Convert);
    const progress = createProgress(Convert.toolName);
    const format = flags.format ?? (args.outDir.endsWith('.wasm') ? 'wasm' : 'bundle');
    if (flags.snapshot && format !== 'wasm' && format !== 'wasm-split') throw new UsageError(`--snapshot: only for one .wasm (--format wasm) or a split set (--format wasm-split), not --format ${format}`);
    const convert = (outDir: string) => (format === 'wasm' ? convertToSingleFile : format === 'wasm-split' ? convertToSplitSet : convertImage)(
      {
        status: progress.status,
        image: args.image,
        outDir,
        platform: flags.platform,
        memoryMiB: flags.memory,
        slim: flags.slim as 'safe' | 'standard' | 'aggressive' | undefined,
        runtimePack: flags['runtime-pack'],
        machine: flags.machine as MachineArch | undefined,
        runtimePackEnv: process.env['C2W_PACK'],
        cwd: process.cwd(),
        cache: flags.cache ?? defaultCacheDir(),
        offline: flags.offline,
        epoch: sourceDateEpoch(),
        force: flags.force || format === 'web',
        registry: { creds: flags.creds, insecure: flags.insecure },
        rootFormat: flags['root-format'] as 'erofs' | 'iso',
        // unset: the single .wasm is pre-booted (ADR 0041; x86_64 too since ADR 0049)
        snapshot: flags.snapshot ?? (format === 'wasm' ? 'auto' : false),
      },
      progress.note,
    ).finally(() => progress.stop());
    if (format === 'web') {
      // the web directory is made from a bundle; its code loads only for this format
      const { convertToWebDirectory } = await import('../serve/web-directory.js');
      let summary: Awaited<ReturnType<typeof convert>> | undefined;
      await convertToWebDirectory(args.outDir, flags.force, async (dir) => { summary = await convert(dir); });
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, outDir: resolve(args.outDir), format: 'web' }, null, 2)}\n`);
      else this.note(`wrote ${args.outDir} (serve it with any static server that answers HTTP Range requests)`);
      return;
    }
    const summary = await convert(args.outDir);
    if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else this.note(`wrote ${summary.outDir} (run it with: c2w run ${args.outDir}${format === 'wasm' ? ', or any WASI host' : format === 'wasm-split' ? ', or wasm-split\'s loader and node:wasi' : ''})`);
  }
}
