import { existsSync } from 'node:fs';
import { basename } from 'node:path';

export interface FileSpec { path: string; name: string }

/**
 * `FILE` (named by its basename) or `FILE:NAME`. A FILE that itself contains `:` and exists is
 * taken whole; the name is checked later, with the other inputs.
 */
export function parseFileSpec(spec: string): FileSpec {
  const at = spec.lastIndexOf(':');
  if (at <= 0 || existsSync(spec)) return { path: spec, name: basename(spec) };
  return { path: spec.slice(0, at), name: spec.slice(at + 1) };
}
