import { existsSync } from 'node:fs';
import { UsageError } from '@c2w/errors';
import { archivePath, nameByteLength } from '@c2w/streams';
import { NAME_MAX } from './tree.js';

export interface InputSpec { path: string; graft: string }

/**
 * `FILE` or `FILE:/DIR` (the tar's root becomes DIR in the image). A FILE that itself contains
 * `:/` and exists is taken as a plain file.
 */
export function parseInputSpec(spec: string): InputSpec {
  const at = spec.lastIndexOf(':/');
  if (at <= 0 || existsSync(spec)) return { path: spec, graft: '' };
  const graft = spec.slice(at + 1);
  try {
    const canonical = archivePath(graft, 'graft');
    const long = canonical.split('/').find((c) => nameByteLength(c) > NAME_MAX);
    if (long !== undefined) throw new Error(`a name component of ${nameByteLength(long)} bytes, expected at most ${NAME_MAX} (Linux NAME_MAX)`);
    return { path: spec.slice(0, at), graft: canonical };
  } catch (err) {
    throw new UsageError(`bad graft point in ${JSON.stringify(spec)}: ${(err as Error).message}`);
  }
}
