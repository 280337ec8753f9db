import { Writable } from 'node:stream';
import { z } from 'zod';
import { EnvironmentError, isSystemError, withContext } from '@c2w/errors';
import { createAtomicOutputs, TarWriter, writeAllAtomically } from '@c2w/streams';
import { resolveImage, type ResolvedImage } from './image/resolve-image.js';
import { parsePlatform } from './image/platform.js';
import { layerEntries } from './layer/layer-entries.js';
import { emitTree } from './output/emit-tree.js';
import { SpoolFile } from './output/spool-file.js';
import { silentProgress, type Progress } from './progress.js';
import { openSource } from './source/open-source.js';
import type { ImageSource } from './source/image-source.js';
import { makeRoot, type TreeNode } from './tree/fs-tree.js';
import { TreeBuilder } from './tree/apply-entry.js';

export const FlattenOptions = z.object({
  source: z.string().min(1),
  out: z.string().min(1).default('-'),
  platform: z.string().optional(),
  configOut: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  creds: z.string().optional(),
  insecure: z.boolean().default(false),
  /** Where the body spool lives (default: the OS temp dir). */
  spoolDir: z.string().optional(),
  /** mtime of directories no layer declares, in seconds (the command passes SOURCE_DATE_EPOCH; default 0). */
  epoch: z.number().int().nonnegative().optional(),
});
export type FlattenOptions = z.input<typeof FlattenOptions>;

export interface FlattenSummary { manifestDigest: string; layers: number; entries: number }

/**
 * SOURCE -> OUT (a tar of the final root filesystem) and optionally the config JSON. Both outputs
 * are created before any work (a missing directory fails at once) and appear together or not at all.
 */
export async function flattenImage(input: FlattenOptions, progress: Progress = silentProgress): Promise<FlattenSummary> {
  const options = FlattenOptions.parse(input);
  const platform = options.platform !== undefined ? parsePlatform(options.platform) : undefined;
  const [out, configOut] = await createAtomicOutputs([
    { path: options.out, what: 'output tar' },
    options.configOut !== undefined ? { path: options.configOut, what: 'config' } : undefined,
  ]);
  return writeAllAtomically([out, configOut], async () => {
    const source = await openSource(options.source, options);
    try {
      const image = await resolveImage(source, platform);
      const entries = await flattenTo(source, image, out.stream, { ...options, progress });
      configOut?.stream.write(image.configBytes);
      return { manifestDigest: image.manifestDigest, layers: image.layers.length, entries };
    } finally {
      await source.close();
    }
  });
}

/**
 * The two phases of docs/decisions/0001-flatten-order.md: read every layer once, bottom up, into the
 * path tree (bodies to the spool); then write the tree in sorted order, reading bodies back.
 */
export async function flattenTo(source: ImageSource, image: ResolvedImage, out: Writable, options: { spoolDir?: string | undefined; epoch?: number | undefined; progress?: Progress }): Promise<number> {
  const progress = options.progress ?? silentProgress;
  const spool = await SpoolFile.create(options.spoolDir);
  try {
    const root = await buildTree(source, image, spool, new Date((options.epoch ?? 0) * 1000), progress);
    await spool.seal();
    progress.writing();
    const writer = new TarWriter(out); // TarWriter never ends process.stdout
    try {
      const count = await emitTree(root, spool, writer);
      await writer.finish();
      progress.done();
      return count;
    } catch (err) {
      writer.destroy(err as Error);
      throw err;
    }
  } finally {
    await spool.close();
  }
}

async function buildTree(source: ImageSource, image: ResolvedImage, spool: SpoolFile, implicitMtime: Date, progress: Progress): Promise<TreeNode> {
  const builder = new TreeBuilder(makeRoot(implicitMtime), implicitMtime);
  const count = image.layers.length;
  for (const [i, layer] of image.layers.entries()) {
    progress.layerStart(i + 1, count, layer.desc.digest, layer.desc.size);
    try {
      for await (const entry of layerEntries(source, layer, (n) => progress.bytes(n))) {
        let result;
        try {
          result = builder.apply(entry.header, i + 1);
          if (result) result.spoolInto.spoolOffset = await spool.append(entry.body, entry.header.size, `entry ${JSON.stringify(entry.header.name)}`);
        } catch (err) {
          throw withContext(layer.where, err);
        }
      }
    } catch (err) {
      if (isSystemError(err)) throw new EnvironmentError(`${layer.where}: ${err.message}`, { cause: err });
      throw err;
    }
    progress.layerEnd();
  }
  return builder.root;
}
