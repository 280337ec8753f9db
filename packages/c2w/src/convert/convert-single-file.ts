import { resolve } from 'node:path';
import type { ConvertOptions, ConvertSummary } from './convert-image.js';
import { withStagedBundle } from './staged-bundle.js';
import { writeSingleFile } from './single-file.js';

export interface SingleFileSummary extends ConvertSummary { format: 'wasm'; bytes: number; snapshot: boolean }

/**
 * IMAGE -> one out.wasm: a staged bundle (withStagedBundle) embedded into machine.wasm. The output
 * appears only when complete.
 */
export async function convertToSingleFile(o: ConvertOptions & { snapshot?: boolean }, progress: (message: string) => void = () => undefined): Promise<SingleFileSummary> {
  return withStagedBundle(o, progress, async (stage, summary) => {
    const snapshot = o.snapshot ?? false;
    if (snapshot) progress(`${o.outDir}: booting the machine to snapshot it (wizer)`);
    progress(`${o.outDir}: embedding machine.wasm, firmware, kernel and the root disk (vfs-embed)`);
    const written = await writeSingleFile(stage, o.outDir, { snapshot });
    progress(`${o.outDir}: ${(written.bytes / 1048576).toFixed(1)} MiB`);
    return { ...summary, outDir: resolve(o.outDir), format: 'wasm', bytes: written.bytes, snapshot };
  });
}
