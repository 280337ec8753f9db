import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '@c2w/errors';
import { trackTemporary } from '@c2w/streams';
import { convertImage, type ConvertOptions, type ConvertSummary } from './convert-image.js';
import { writeSingleFile } from './single-file.js';

export interface SingleFileSummary extends ConvertSummary { format: 'wasm'; bytes: number }

/**
 * IMAGE -> one out.wasm: the bundle is made in a hidden directory beside the output (same file
 * system, removed at the end whatever happens), then embedded into machine.wasm. The output
 * appears only when complete.
 */
export async function convertToSingleFile(o: ConvertOptions, progress: (message: string) => void = () => undefined): Promise<SingleFileSummary> {
  if (!o.force && (await stat(o.outDir).then(() => true, () => false))) throw new UsageError(`output ${o.outDir} already exists (pass --force to replace it)`);
  const stage = join(dirname(resolve(o.outDir)), `.${basename(o.outDir)}.bundle-${process.pid}`);
  const forget = trackTemporary(stage);
  try {
    const summary = await convertImage({ ...o, outDir: stage, force: true }, progress);
    progress(`${o.outDir}: embedding machine.wasm, firmware, kernel and root.iso (vfs-embed)`);
    const written = await writeSingleFile(stage, o.outDir);
    progress(`${o.outDir}: ${(written.bytes / 1048576).toFixed(1)} MiB`);
    return { ...summary, outDir: resolve(o.outDir), format: 'wasm', bytes: written.bytes };
  } finally {
    await rm(stage, { recursive: true, force: true });
    forget();
  }
}
