import { Readable } from 'node:stream';
import type { Descriptor } from '@c2w/artifacts';
import { EnvironmentError, InputError } from '@c2w/errors';
import { assertDigest, SHA256_DIGEST } from '@c2w/streams';
import { MANIFEST_ACCEPT } from '../image/media-types.js';
import { MAX_DOCUMENT_BYTES, type ImageSource, type RootDocument } from '../source/image-source.js';
import { formatReference, type ImageReference } from './image-reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';

/** An image in a registry, pulled over the OCI distribution API. */
export function registrySource(ref: ImageReference, options: RegistryClientOptions): ImageSource {
  const client = new RegistryClient(ref.registry, ref.repository, options);
  const description = formatReference(ref);
  const stream = (res: Response, what: string): Readable => {
    if (!res.body) return Readable.from([]);
    const body = Readable.fromWeb(res.body as never);
    // A connection lost mid-body is the network's fault (exit 3), not the image's.
    return Readable.from((async function* () {
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } catch (err) {
        throw new EnvironmentError(`${what}: download interrupted: ${(err as Error).message}`, { cause: err });
      }
    })(), { objectMode: false });
  };
  return {
    description,
    async root(): Promise<RootDocument> {
      const res = await client.get(`manifests/${ref.digest ?? ref.tag}`, MANIFEST_ACCEPT, `manifest ${description}`);
      const length = Number(res.headers.get('content-length') ?? 0);
      if (length > MAX_DOCUMENT_BYTES) throw new InputError(`manifest ${description}: ${length} bytes is too large`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const header = res.headers.get('docker-content-digest') ?? undefined;
      const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
      return { bytes, mediaType, digest: ref.digest ?? (header && SHA256_DIGEST.test(header) ? header : undefined) };
    },
    async openManifest(desc: Descriptor) {
      assertDigest(desc.digest, `manifest in ${description}`);
      return stream(await client.get(`manifests/${desc.digest}`, MANIFEST_ACCEPT, `manifest ${desc.digest}`), `manifest ${desc.digest}`);
    },
    async openBlob(desc: Descriptor) {
      assertDigest(desc.digest, `blob in ${description}`);
      return stream(await client.get(`blobs/${desc.digest}`, undefined, `blob ${desc.digest}`), `blob ${desc.digest}`);
    },
    async close() { /* fetch keeps no per-source state */ },
  };
}
