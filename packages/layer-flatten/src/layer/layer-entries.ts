import { PassThrough, Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { decompressor, DigestVerifier, readTar, sniffCompression, type Compression, type TarEntry } from '@c2w/streams';
import { isEncryptedLayer, layerCompression } from '../image/media-types.js';
import { openVerified, type ImageSource } from '../source/image-source.js';

export interface LayerRef {
  desc: Descriptor;
  /** The config's rootfs.diff_ids entry: digest of the uncompressed tar. */
  diffId: string;
  /** `layer 2 of 5`, the prefix of every message about this layer. */
  where: string;
}

/**
 * The tar entries of one layer, read once as a stream: blob digest and size are checked on the
 * compressed bytes, diff_id on the uncompressed ones, and a mismatch fails the iteration at the end
 * of the layer (so nothing from an unverified layer is ever written out: output starts after the last
 * layer). `onBytes` reports compressed bytes as they arrive. Truncated or corrupt compressed data
 * fails as an InputError from the decompressor itself, so a file body being read sees it too.
 */
export async function* layerEntries(source: ImageSource, layer: LayerRef, onBytes?: (n: number) => void): AsyncGenerator<TarEntry> {
  const { desc, diffId, where } = layer;
  if (isEncryptedLayer(desc.mediaType)) throw new InputError(`${where}: encrypted layers (${desc.mediaType}) are not supported`);
  const blob = await openVerified(source, desc, `${where}: blob`);
  const chunks = blob[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const declared = layerCompression(desc.mediaType);
  const compression: Compression = declared === 'sniff' ? sniffCompression(head) : declared;

  async function* counted(): AsyncGenerator<Buffer> {
    if (first.done) return;
    onBytes?.(head.length);
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      onBytes?.(next.value.length);
      yield next.value;
    }
  }

  // An uncompressed blob's digest is its diff_id; verifying it twice would only cost time.
  const sameBytes = compression === 'none' && desc.digest === diffId;
  const stages: Duplex[] = [decompressor(compression, where)];
  if (!sameBytes) stages.push(new DigestVerifier({ digest: diffId, what: `${where}: uncompressed content (diff_id)` }));
  const tail = new PassThrough({ highWaterMark: 1 << 20 });
  const done = pipeline([Readable.from(counted(), { objectMode: false }), ...stages, tail]);
  done.catch(() => undefined); // surfaced through tail, or awaited below
  try {
    yield* readTar(tail, where);
    await done;
  } finally {
    tail.destroy();
    blob.destroy();
  }
}
