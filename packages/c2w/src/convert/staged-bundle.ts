import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '@c2w/errors';
import { trackTemporary } from '@c2w/streams';
import { convertImage, type ConvertOptions, type ConvertSummary } from './convert-image.js';

/**
 * Converts IMAGE into a bundle in a hidden directory beside OUT (same file system), hands it to
 * `use`, and removes it afterwards whatever happens: the single-file and split-set forms are both
 * made from a bundle, and their OUT appears only when complete.
 */
export async function withStagedBundle<T>(o: ConvertOptions, progress: (message: string) => void, use: (stage: string, summary: ConvertSummary) => Promise<T>): Promise<T> {
  if (!o.force && (await stat(o.outDir).then(() => true, () => false))) throw new UsageError(`output ${o.outDir} already exists (pass --force to replace it)`);
  const stage = join(dirname(resolve(o.outDir)), `.${basename(o.outDir)}.bundle-${process.pid}`);
  const forget = trackTemporary(stage);
  try {
    return await use(stage, await convertImage({ ...o, outDir: stage, force: true }, progress));
  } finally {
    await rm(stage, { recursive: true, force: true });
    forget();
  }
}
