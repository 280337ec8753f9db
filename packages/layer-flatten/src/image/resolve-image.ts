import { createHash } from 'node:crypto';
import { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { assertDigest } from '@c2w/streams';
import { parseJson, readVerified, type ImageSource } from '../source/image-source.js';
import type { LayerRef } from '../layer/layer-entries.js';
import { documentKind, isIndexType } from './media-types.js';
import { formatPlatform, normalisePlatform, samePlatform, selectPlatform, type PlatformSpec } from './platform.js';

export interface ResolvedImage {
  manifestDigest: string;
  manifest: ImageManifest;
  /** The config blob exactly as stored (for --config-out). */
  configBytes: Buffer;
  config: ImageConfig;
  layers: LayerRef[];
}

const MAX_INDEX_DEPTH = 4;

/**
 * From the source's root document to one image: indexes (nested ones too) are narrowed to a
 * platform, schema 1 is refused, the config is read and checked against the layer list.
 */
export async function resolveImage(source: ImageSource, platform: PlatformSpec | undefined): Promise<ResolvedImage> {
  const where = source.description;
  const root = await source.root();
  let bytes = root.bytes;
  let declared = root.mediaType;
  let digest = sha256(bytes);
  if (root.digest !== undefined) {
    assertDigest(root.digest, where);
    if (root.digest !== digest) throw new InputError(`${where}: manifest digest mismatch, got ${digest}, expected ${root.digest}`);
  }
  for (let depth = 0; ; depth++) {
    const doc = parseJson(bytes, `${where}: manifest ${digest}`);
    const kind = documentKind(doc, declared);
    if (kind === 'schema1') throw new InputError(`${where}: Docker schema 1 manifests are not supported (deprecated since 2017); re-push the image with a current tool`);
    if (kind === 'unknown') throw new InputError(`${where}: ${digest} is neither an image manifest nor an index (mediaType ${JSON.stringify(doc['mediaType'] ?? declared ?? 'none')})`);
    if (kind === 'manifest') return loadImage(source, doc, digest, platform, depth > 0);
    if (depth >= MAX_INDEX_DEPTH) throw new InputError(`${where}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
    const candidates = await expandIndex(source, doc, `${where}: index ${digest}`, 0);
    const chosen = selectPlatform(candidates, platform, `${where}: index ${digest}`);
    bytes = await readVerified(source, chosen, `${where}: manifest`, 'manifest');
    declared = chosen.mediaType;
    digest = chosen.digest;
  }
}

/** The manifests an index offers, with the entries of nested indexes inlined (they rarely carry a platform). */
async function expandIndex(source: ImageSource, doc: Record<string, unknown>, what: string, depth: number): Promise<Descriptor[]> {
  const parsed = ImageIndex.safeParse(doc);
  if (!parsed.success) throw new InputError(`${what}: invalid index: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  const out: Descriptor[] = [];
  for (const entry of parsed.data.manifests) {
    if (!isIndexType(entry.mediaType)) {
      out.push(entry);
      continue;
    }
    if (depth >= MAX_INDEX_DEPTH) throw new InputError(`${what}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
    const inner = parseJson(await readVerified(source, entry, `${what}: nested index`, 'manifest'), `${what}: nested index ${entry.digest}`);
    out.push(...await expandIndex(source, inner, `${what}: nested index ${entry.digest}`, depth + 1));
  }
  return out;
}

async function loadImage(source: ImageSource, doc: Record<string, unknown>, digest: string, platform: PlatformSpec | undefined, chosenByIndex: boolean): Promise<ResolvedImage> {
  const where = `${source.description}: manifest ${digest}`;
  const parsed = ImageManifest.safeParse(doc);
  if (!parsed.success) throw new InputError(`${where}: invalid manifest: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  const manifest = parsed.data;
  const configBytes = await readVerified(source, manifest.config, `${source.description}: config`);
  const configParsed = ImageConfig.safeParse(parseJson(configBytes, `${source.description}: config ${manifest.config.digest}`));
  if (!configParsed.success) throw new InputError(`${source.description}: config ${manifest.config.digest} is invalid: ${configParsed.error.issues[0]?.path.join('.')} ${configParsed.error.issues[0]?.message}`);
  const config = configParsed.data;
  // A single-platform image is taken as is, but not when the user asked for another platform.
  if (platform && !chosenByIndex) {
    const own = normalisePlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
    if (!samePlatform(own, platform)) throw new InputError(`${source.description}: the image is ${formatPlatform(own)}, not the requested ${formatPlatform(platform)}`);
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new InputError(`${where}: ${manifest.layers.length} layers but the config lists ${diffIds.length} diff_ids`);
  }
  const count = manifest.layers.length;
  const layers = manifest.layers.map((desc, i): LayerRef => ({ desc, diffId: diffIds[i] as string, where: `layer ${i + 1} of ${count}` }));
  return { manifestDigest: digest, manifest, configBytes, config, layers };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
