import { MediaType } from '@c2w/artifacts';

export type DocumentKind = 'manifest' | 'index' | 'schema1' | 'unknown';
export type LayerCompression = 'none' | 'gzip' | 'zstd' | 'sniff';

const MANIFESTS: ReadonlySet<string> = new Set([MediaType.ociManifest, MediaType.dockerManifest]);
const INDEXES: ReadonlySet<string> = new Set([MediaType.ociIndex, MediaType.dockerManifestList]);
const SCHEMA1: ReadonlySet<string> = new Set([MediaType.dockerSchema1, MediaType.dockerSchema1Signed, 'application/json']);

/** Every manifest and index type, sent as Accept so registries neither 404 nor convert to schema 1. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

/**
 * What a manifest-like document is. The document's own mediaType wins, then the transport's
 * (descriptor or Content-Type), then its shape: OCI made mediaType optional, so shape is common.
 */
export function documentKind(doc: Record<string, unknown>, declared?: string): DocumentKind {
  const own = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  for (const type of [own, declared]) {
    if (!type) continue;
    if (MANIFESTS.has(type)) return 'manifest';
    if (INDEXES.has(type)) return 'index';
    if (type === MediaType.dockerSchema1 || type === MediaType.dockerSchema1Signed) return 'schema1';
  }
  if (doc['schemaVersion'] === 1) return 'schema1';
  if (Array.isArray(doc['manifests'])) return 'index';
  if (doc['config'] !== undefined && Array.isArray(doc['layers'])) return 'manifest';
  if (declared && SCHEMA1.has(declared) && Array.isArray(doc['fsLayers'])) return 'schema1';
  return 'unknown';
}

export function isIndexType(type: string | undefined): boolean {
  return type !== undefined && INDEXES.has(type);
}

export function isManifestType(type: string | undefined): boolean {
  return type !== undefined && MANIFESTS.has(type);
}

/** Compression named by a layer media type; 'sniff' when the type does not say (magic bytes decide). */
export function layerCompression(mediaType: string | undefined): LayerCompression {
  const type = mediaType ?? '';
  if (/\+encrypted$/.test(type)) return 'sniff';
  if (type.endsWith('.tar+gzip') || type.endsWith('.tar.gzip')) return 'gzip';
  if (type.endsWith('.tar+zstd')) return 'zstd';
  if (type.endsWith('.tar') || type.endsWith('.diff.tar')) return 'none';
  return 'sniff';
}

export function isEncryptedLayer(mediaType: string | undefined): boolean {
  return /\+encrypted$/.test(mediaType ?? '');
}
