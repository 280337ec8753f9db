import { existsSync } from 'node:fs';
import { UsageError } from '@c2w/errors';
import { parseImageReference, type ImageReference } from '../registry/image-reference.js';

export type SourceSpec =
  | { kind: 'oci' | 'oci-archive' | 'docker-archive'; path: string; ref: string | undefined }
  | { kind: 'registry'; ref: ImageReference };

const UNSUPPORTED = ['dir', 'docker-daemon', 'containers-storage', 'ostree', 'sif', 'tarball'];

/**
 * SOURCE as skopeo spells it: `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]`,
 * `docker://REF`, or a bare image reference. PATH ends at the first ':' (as in skopeo) unless the
 * whole text names an existing file.
 */
export function parseSource(text: string): SourceSpec {
  const colon = text.indexOf(':');
  const transport = colon > 0 ? text.slice(0, colon) : '';
  if (transport === 'oci' || transport === 'oci-archive' || transport === 'docker-archive') {
    const rest = text.slice(colon + 1);
    if (rest === '') throw new UsageError(`${transport}: needs a path`);
    if (existsSync(rest)) return { kind: transport, path: rest, ref: undefined };
    const i = rest.indexOf(':');
    if (i < 0) return { kind: transport, path: rest, ref: undefined };
    const ref = rest.slice(i + 1);
    return { kind: transport, path: rest.slice(0, i), ref: ref === '' ? undefined : ref };
  }
  if (text.startsWith('docker://')) return { kind: 'registry', ref: parseImageReference(text.slice('docker://'.length)) };
  if (UNSUPPORTED.includes(transport)) {
    throw new UsageError(`source transport ${transport}: is not supported (use oci:, oci-archive:, docker-archive:, docker:// or an image reference)`);
  }
  return { kind: 'registry', ref: parseImageReference(text) };
}
