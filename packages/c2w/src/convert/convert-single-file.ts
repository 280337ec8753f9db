import { resolve } from 'node:path';
import type { ConvertOptions, ConvertSummary } from './convert-image.js';
import { withStagedBundle } from './staged-bundle.js';
import { type SnapshotChoice, writeSingleFile } from './single-file.js';

export interface SingleFileSummary extends ConvertSummary { format: 'wasm'; bytes: number; snapshot: boolean }

/**
 * IMAGE -> one out.wasm: a staged bundle (withStagedBundle) embedded into machine.wasm. The output
 * appears only when complete.
 */
export async function convertToSingleFile(o: ConvertOptions & { snapshot?: SnapshotChoice }, progress: (message: string) => void = () => undefined): Promise<SingleFileSummary> {
  return withStagedBundle(o, progress, async (stage, summary) => {
    const written = await writeSingleFile(stage, o.outDir, { snapshot: o.snapshot ?? false, progress });
    progress(`${o.outDir}: ${(written.bytes / 1048576).toFixed(1)} MiB`);
    return { ...summary, outDir: resolve(o.outDir), format: 'wasm', bytes: written.bytes, snapshot: written.snapshot };
  });
}
