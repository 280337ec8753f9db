import type { Readable } from 'node:stream';
import { Descriptor, ImageIndex } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { assertDigest } from '@c2w/streams';
import type { FileStore } from './file-store.js';
import { readStoreFile } from './file-store.js';
import type { ImageSource, RootDocument } from './image-source.js';
import { parseJson } from './image-source.js';
import { MediaType } from '@c2w/artifacts';

const REF_NAME = 'org.opencontainers.image.ref.name';

/**
 * An OCI image layout (index.json + blobs/sha256/...) in a directory (`oci:`) or a tar (`oci-archive:`).
 * The tag selects the index.json entry whose ref.name annotation matches; without a tag, index.json
 * itself is the root when it lists one image or several platforms of one.
 */
export function ociLayoutSource(store: FileStore, tag: string | undefined, description: string): ImageSource {
  const what = description;
  const blobPath = (desc: Descriptor) => {
    assertDigest(desc.digest, `${what}: blob`);
    return `blobs/sha256/${desc.digest.slice('sha256:'.length)}`;
  };
  const open = async (desc: Descriptor): Promise<Readable> => {
    const path = blobPath(desc);
    if ((await store.size(path)) === undefined) throw new InputError(`${what}: blob ${desc.digest} is missing from the layout`);
    return store.open(path);
  };
  return {
    description,
    async root(): Promise<RootDocument> {
      if ((await store.size('oci-layout')) === undefined) throw new InputError(`${what}: not an OCI image layout (no oci-layout file)`);
      checkLayoutVersion(await readStoreFile(store, 'oci-layout', what), what);
      const bytes = await readStoreFile(store, 'index.json', what);
      const parsed = ImageIndex.safeParse(parseJson(bytes, `${what}: index.json`));
      if (!parsed.success) throw new InputError(`${what}: index.json is not an OCI index: ${parsed.error.issues[0]?.message ?? ''}`);
      const entries = parsed.data.manifests;
      if (tag !== undefined) {
        const hits = entries.filter((d) => d.annotations?.[REF_NAME] === tag);
        const hit = hits[hits.length - 1];
        if (!hit) {
          const tags = entries.map((d) => d.annotations?.[REF_NAME]).filter(Boolean).join(', ');
          throw new InputError(`${what}: no image tagged ${JSON.stringify(tag)} (tags: ${tags || 'none'})`);
        }
        return { bytes: await readStoreFile(store, blobPath(hit), what), mediaType: hit.mediaType, digest: hit.digest };
      }
      const named = new Set(entries.map((d) => d.annotations?.[REF_NAME]).filter(Boolean));
      if (entries.length === 1 && entries[0]) {
        const only = entries[0];
        return { bytes: await readStoreFile(store, blobPath(only), what), mediaType: only.mediaType, digest: only.digest };
      }
      if (named.size > 1) throw new InputError(`${what}: the layout holds several images; add :TAG (tags: ${[...named].join(', ')})`);
      return { bytes, mediaType: MediaType.ociIndex, digest: undefined };
    },
    openManifest: open,
    openBlob: open,
    async close() { /* nothing held open between reads */ },
  };
}

/**
 * The image-spec says readers must check imageLayoutVersion: a layout of a later major version may
 * store blobs differently, and reading it as 1.x would fail later with a misleading "blob missing".
 */
function checkLayoutVersion(bytes: Buffer, what: string): void {
  const version = (parseJson(bytes, `${what}: oci-layout`) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
    throw new InputError(`${what}: oci-layout has imageLayoutVersion ${JSON.stringify(version ?? null)}, expected 1.x.y (1.0.0)`);
  }
}
