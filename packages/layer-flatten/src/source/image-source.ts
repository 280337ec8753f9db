import { pipeline, type Readable } from 'node:stream';
import type { Descriptor } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { DigestVerifier, assertDigest } from '@c2w/streams';

/** The manifest or index a source reference names, as bytes (small) with what the transport says. */
export interface RootDocument {
  bytes: Buffer;
  /** Content-Type, or the descriptor's mediaType in index.json; the document may say otherwise. */
  mediaType: string | undefined;
  /** Known when the reference pins one (by digest); verified against the bytes. */
  digest: string | undefined;
}

/**
 * Where image bytes come from: an OCI layout, an archive, a registry. The flattener only sees this,
 * so it is independent of the transport. Streams are raw; callers verify them with openVerified().
 */
export interface ImageSource {
  /** Used in messages: `oci:/path:tag`, `registry 127.0.0.1:5000/repo:tag`. */
  readonly description: string;
  root(): Promise<RootDocument>;
  /** A manifest or index by descriptor (registries serve these from /manifests/, not /blobs/). */
  openManifest(desc: Descriptor): Promise<Readable>;
  openBlob(desc: Descriptor): Promise<Readable>;
  close(): Promise<void>;
}

/** Largest manifest, index or config we read into memory: they are JSON documents, never data. */
export const MAX_DOCUMENT_BYTES = 16 << 20;

/** A blob stream checked against the descriptor's digest and size as it is read (fails at the end). */
export async function openVerified(source: ImageSource, desc: Descriptor, what: string, kind: 'blob' | 'manifest' = 'blob'): Promise<Readable> {
  assertDigest(desc.digest, what);
  const raw = kind === 'blob' ? await source.openBlob(desc) : await source.openManifest(desc);
  const verifier = new DigestVerifier({ digest: desc.digest, size: desc.size, what: `${what} ${desc.digest}` });
  // pipeline carries errors to the returned stream and tears the source down if the reader stops.
  return pipeline(raw, verifier, () => undefined);
}

/** A small verified document (manifest, index, config) in memory, capped at MAX_DOCUMENT_BYTES. */
export async function readVerified(source: ImageSource, desc: Descriptor, what: string, kind: 'blob' | 'manifest' = 'blob'): Promise<Buffer> {
  if (desc.size > MAX_DOCUMENT_BYTES) throw new InputError(`${what} ${desc.digest}: ${desc.size} bytes is too large for a JSON document`);
  const stream = await openVerified(source, desc, what, kind);
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InputError(`${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError(`${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}
