import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '@c2w/errors';
import { createAtomicDirectory, trackTemporary } from '@c2w/streams';
import { convertImage, type ConvertOptions, type ConvertSummary } from './convert-image.js';
import { writeSingleFile } from './single-file.js';

export interface SplitSetSummary extends ConvertSummary { format: 'wasm-split'; bytes: number; modules: number }

/**
 * IMAGE -> a split set (docs/decisions/0021-wasm-split.md): the one out.wasm of any size, made in a
 * hidden directory beside the output, cut by wasm-split into main.wasm + data-K.wasm (each under
 * V8's 1 GiB) + split.json. Every step streams from disk to disk; OUT appears only when complete.
 */
export async function convertToSplitSet(o: ConvertOptions, progress: (message: string) => void = () => undefined, maxModuleMiB?: number): Promise<SplitSetSummary> {
  if (!o.force && (await stat(o.outDir).then(() => true, () => false))) throw new UsageError(`output ${o.outDir} already exists (pass --force to replace it)`);
  const stage = join(dirname(resolve(o.outDir)), `.${basename(o.outDir)}.bundle-${process.pid}`);
  const forget = trackTemporary(stage);
  try {
    const summary = await convertImage({ ...o, outDir: stage, force: true }, progress);
    progress(`${o.outDir}: embedding machine.wasm, firmware, kernel and root.iso (vfs-embed)`);
    const whole = join(stage, '.split-input.wasm');
    await writeSingleFile(stage, whole, Infinity);
    // binaryen (tens of MB) loads only when a split set is written
    const { DEFAULT_MAX_MODULE_MIB, splitModule } = await import('@c2w/wasm-split');
    const maxMiB = maxModuleMiB ?? DEFAULT_MAX_MODULE_MIB;
    progress(`${o.outDir}: splitting into modules of at most ${maxMiB} MiB (wasm-split)`);
    const out = await createAtomicDirectory(o.outDir, 'split set', { replace: o.force });
    try {
      const manifest = await splitModule(whole, out.path, maxMiB, 'out.wasm');
      await out.commit();
      const modules = [manifest.main, ...manifest.data];
      const bytes = modules.reduce((sum, m) => sum + m.size, 0);
      progress(`${o.outDir}: ${modules.length} modules, ${(bytes / 1048576).toFixed(1)} MiB`);
      return { ...summary, outDir: resolve(o.outDir), format: 'wasm-split', bytes, modules: modules.length };
    } catch (err) {
      await out.abort();
      throw err;
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
    forget();
  }
}
