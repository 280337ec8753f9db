import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { MediaType, type Descriptor } from '@c2w/artifacts';
import { listTar, makeTar, type FixtureEntry, type ListedEntry } from '@c2w/testing';
import { flattenTo } from '../../src/flatten.js';
import { resolveImage } from '../../src/image/resolve-image.js';
import type { ImageSource } from '../../src/source/image-source.js';

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An in-memory image source: blobs by digest, the root document given as bytes. */
export function memorySource(root: Buffer, blobs: Map<string, Buffer>, mediaType?: string, chunk = 7919): ImageSource & { opened: string[] } {
  const opened: string[] = [];
  const open = async (desc: Descriptor) => {
    opened.push(desc.digest);
    const data = blobs.get(desc.digest);
    if (!data) throw new Error(`no blob ${desc.digest}`);
    // odd chunk sizes: nothing may depend on chunk boundaries
    return Readable.from((function* () { for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk); })(), { objectMode: false });
  };
  return { description: 'memory', opened, root: async () => ({ bytes: root, mediaType, digest: undefined }), openBlob: open, openManifest: open, async close() {} };
}

export interface ImageParts { layerBlobs: Buffer[]; diffIds?: string[]; layerTypes?: string[]; config?: Record<string, unknown> }

/** A single-manifest OCI image from layer blobs (already compressed as wanted). */
export function memoryImage(parts: ImageParts): { source: ImageSource & { opened: string[] }; blobs: Map<string, Buffer>; manifest: Buffer; config: Buffer } {
  const blobs = new Map<string, Buffer>();
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', ...parts.config,
    rootfs: { type: 'layers', diff_ids: parts.diffIds ?? parts.layerBlobs.map((b) => sha256(b)) },
  }));
  blobs.set(sha256(config), config);
  const layers = parts.layerBlobs.map((b, i) => {
    blobs.set(sha256(b), b);
    return { mediaType: parts.layerTypes?.[i] ?? MediaType.ociLayerTar, digest: sha256(b), size: b.length };
  });
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length }, layers }));
  return { source: memorySource(manifest, blobs), blobs, manifest, config };
}

/** gzip layers of the given tars, with diff_ids of the uncompressed tars. */
export function gzipImage(tars: Buffer[]) {
  return memoryImage({ layerBlobs: tars.map((t) => gzipSync(t)), diffIds: tars.map((t) => sha256(t)), layerTypes: tars.map(() => MediaType.ociLayerGzip) });
}

export async function flattenSource(source: ImageSource): Promise<Buffer> {
  const image = await resolveImage(source, undefined);
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await flattenTo(source, image, out, { epoch: 0 });
  return Buffer.concat(parts);
}

/** Flattens layers given as fixture entries (bottom first) and lists the result. */
export async function flattenLayers(...layers: FixtureEntry[][]): Promise<ListedEntry[]> {
  const tars = await Promise.all(layers.map((l) => makeTar(l)));
  return listTar(await flattenSource(gzipImage(tars).source));
}

/** The flattened tree as `path type [-> target|=body]` lines, for compact expectations. */
export async function flatLines(...layers: FixtureEntry[][]): Promise<string[]> {
  return (await flattenLayers(...layers)).map((e) => {
    const extra = e.type === 'file' ? `=${e.body}` : e.linkname ? ` -> ${e.linkname}` : '';
    return `${e.name} ${e.type}${extra}`;
  });
}

/** Writes an in-memory image as an OCI layout directory (tag "t"), for tests of the real bin. */
export async function writeLayout(dir: string, image: { blobs: Map<string, Buffer>; manifest: Buffer }): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of [...image.blobs, [sha256(image.manifest), image.manifest] as const]) {
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  }
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [
    { mediaType: MediaType.ociManifest, digest: sha256(image.manifest), size: image.manifest.length, annotations: { 'org.opencontainers.image.ref.name': 't' } },
  ] }));
}
