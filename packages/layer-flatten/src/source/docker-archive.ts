import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MediaType, type Descriptor } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { SHA256_DIGEST, sniffCompression } from '@c2w/streams';
import { readStoreFile, type FileStore } from './file-store.js';
import { parseJson, type ImageSource } from './image-source.js';

interface ArchiveImage { Config: string; RepoTags?: string[] | null; Layers: string[] }

const UNCOMPRESSED_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
const SNIFFED_LAYER = 'application/octet-stream';

/**
 * A `docker save` archive (manifest.json + config + layer tars). It has no manifest in the registry
 * sense, so one is synthesised: the config digest is computed, an uncompressed layer's digest is its
 * diff_id (verified while reading), a compressed one is hashed once up front.
 */
export async function dockerArchiveSource(store: FileStore, ref: string | undefined, description: string): Promise<ImageSource> {
  const what = description;
  const list = JSON.parse((await readStoreFile(store, 'manifest.json', what)).toString('utf8')) as unknown;
  if (!Array.isArray(list) || list.length === 0) throw new InputError(`${what}: manifest.json lists no image`);
  const image = pickImage(list as ArchiveImage[], ref, what);
  if (typeof image.Config !== 'string' || !Array.isArray(image.Layers)) throw new InputError(`${what}: manifest.json entry lacks Config or Layers`);

  const configBytes = await readStoreFile(store, image.Config, what);
  const config = parseJson(configBytes, `${what}: config`);
  const diffIds = (config['rootfs'] as { diff_ids?: unknown } | undefined)?.diff_ids;
  const byDigest = new Map<string, string>();
  const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  byDigest.set(configDigest, image.Config);

  const layers: Descriptor[] = [];
  for (const [i, path] of image.Layers.entries()) {
    const size = await store.size(path);
    if (size === undefined) throw new InputError(`${what}: layer ${i + 1} (${path}) is missing from the archive`);
    const head = await readHead(await store.open(path));
    const compression = sniffCompression(head);
    let digest: string;
    if (compression === 'none') {
      const diffId = Array.isArray(diffIds) ? diffIds[i] : undefined;
      if (typeof diffId !== 'string' || !SHA256_DIGEST.test(diffId)) throw new InputError(`${what}: config has no valid diff_id for layer ${i + 1}`);
      digest = diffId;
    } else {
      digest = await hashStream(await store.open(path));
    }
    byDigest.set(digest, path);
    // docker load also takes xz layers; no media type names them, so theirs makes the reader sniff again
    const mediaType = { none: UNCOMPRESSED_LAYER, gzip: MediaType.dockerLayerGzip, zstd: MediaType.ociLayerZstd, xz: SNIFFED_LAYER }[compression];
    layers.push({ mediaType, digest, size });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: configDigest, size: configBytes.length },
    layers,
  };
  const open = async (desc: Descriptor): Promise<Readable> => {
    const path = byDigest.get(desc.digest);
    if (!path) throw new InputError(`${what}: no blob ${desc.digest} in the archive`);
    return store.open(path);
  };
  return {
    description,
    async root() {
      return { bytes: Buffer.from(JSON.stringify(manifest)), mediaType: MediaType.dockerManifest, digest: undefined };
    },
    openManifest: open,
    openBlob: open,
    async close() { /* nothing held open */ },
  };
}

function pickImage(list: ArchiveImage[], ref: string | undefined, what: string): ArchiveImage {
  if (ref === undefined) {
    if (list.length === 1 && list[0]) return list[0];
    throw new InputError(`${what}: the archive holds ${list.length} images; add :REF (a RepoTag or @INDEX)`);
  }
  const at = /^@(\d+)$/.exec(ref);
  if (at) {
    const hit = list[Number(at[1])];
    if (!hit) throw new InputError(`${what}: no image at index ${at[1]}`);
    return hit;
  }
  const wanted = ref.includes(':') && !ref.endsWith(']') ? ref : `${ref}:latest`;
  const hit = list.find((img) => (img.RepoTags ?? []).some((t) => t === ref || t === wanted || t === `docker.io/${wanted}` || `docker.io/library/${t}` === wanted));
  if (!hit) throw new InputError(`${what}: no image tagged ${JSON.stringify(ref)} (tags: ${list.flatMap((i) => i.RepoTags ?? []).join(', ') || 'none'})`);
  return hit;
}

async function readHead(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of stream) {
    parts.push(chunk as Buffer);
    have += (chunk as Buffer).length;
    if (have >= 512) break; // breaking out of for-await destroys the stream
  }
  return Buffer.concat(parts);
}

async function hashStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
