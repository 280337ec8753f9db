import { join, resolve } from 'node:path';
import { createAtomicDirectory } from '@c2w/streams';
import type { ConvertOptions, ConvertSummary } from './convert-image.js';
import { withStagedBundle } from './staged-bundle.js';
import { type SnapshotChoice, writeSingleFile } from './single-file.js';

export interface SplitSetSummary extends ConvertSummary { format: 'wasm-split'; bytes: number; modules: number }

/**
 * IMAGE -> a split set (docs/decisions/0021-wasm-split.md): the one out.wasm of any size, made in a
 * hidden directory beside the output, cut by wasm-split into main.wasm + data-K.wasm (each under
 * V8's 1 GiB) + split.json. Every step streams from disk to disk; OUT appears only when complete.
 */
export async function convertToSplitSet(o: ConvertOptions & { snapshot?: SnapshotChoice }, progress: (message: string) => void = () => undefined, maxModuleMiB?: number): Promise<SplitSetSummary> {
  return withStagedBundle(o, progress, async (stage, summary) => {
    const whole = join(stage, '.split-input.wasm');
    // a snapshot's booted RAM is in active segments: they stay in main.wasm and fill the imported memory
    await writeSingleFile(stage, whole, { limit: Infinity, snapshot: o.snapshot ?? false, progress });
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
  });
}
