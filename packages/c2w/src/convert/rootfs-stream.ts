import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { imageRuntimeFromConfig, planSlim, writeSlim, type Profile } from '@c2w/fs-slim';
import { flattenTo, type ImageSource, type ResolvedImage } from '@c2w/layer-flatten';
import { readTar, writeAtomically } from '@c2w/streams';

/**
 * Writes the image's flattened root filesystem tar to `out`. Without slimming it streams straight
 * through; fs-slim needs the whole tree before it decides, so then the flattened tar is staged in
 * `scratch` (on disk, never in memory) and read twice.
 */
export async function writeRootfs(source: ImageSource, image: ResolvedImage, out: Writable, o: { slim?: Profile | undefined; scratch: string; epoch: number; progress: (m: string) => void }): Promise<void> {
  if (o.slim === undefined || o.slim === 'none') {
    await flattenTo(source, image, out, { spoolDir: o.scratch, epoch: o.epoch });
    return;
  }
  const staged = join(o.scratch, 'rootfs.tar');
  try {
    await writeAtomically(staged, 'flattened root filesystem', (s) => flattenTo(source, image, s, { spoolDir: o.scratch, epoch: o.epoch }));
    const entries = () => readTar(createReadStream(staged, { highWaterMark: 1 << 20 }), 'flattened root filesystem');
    const plan = await planSlim(entries(), { profile: o.slim, image: imageRuntimeFromConfig(image.configBytes.toString('utf8'), 'image config') });
    o.progress(`slim: ${o.slim} profile ${(plan.report.input.bytes / 1048576).toFixed(1)} MiB -> ${(plan.report.output.bytes / 1048576).toFixed(1)} MiB`);
    await writeSlim(entries(), plan, out);
  } finally {
    await rm(staged, { force: true });
  }
}
