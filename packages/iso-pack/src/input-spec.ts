import { existsSync } from 'node:fs';
import { UsageError } from '@c2w/errors';
import { archivePath } from '@c2w/streams';

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
    return { path: spec.slice(0, at), graft: archivePath(graft, 'graft') };
  } catch (err) {
    throw new UsageError(`bad graft point in ${JSON.stringify(spec)}: ${(err as Error).message}`);
  }
}
