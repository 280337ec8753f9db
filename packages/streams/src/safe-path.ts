import { InputError } from '@c2w/errors';
import { encodeName } from './byte-names.js';

/**
 * Canonical form of a path inside an archive: no leading `./` or `/`, no empty or `.` segments,
 * no trailing slash; the root is ''. `..` anywhere is refused rather than resolved, because a
 * layer that walks up is hostile even when it would land back inside the root.
 */
export function archivePath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw new InputError(`${what} name contains a NUL byte: ${JSON.stringify(name)}`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new InputError(`${what} path escapes the root: ${JSON.stringify(name)}`);
    parts.push(part);
  }
  return parts.join('/');
}

/** Same as archivePath, but refuses absolute names instead of re-rooting them. */
export function relativeArchivePath(name: string, what = 'entry'): string {
  if (name.startsWith('/')) throw new InputError(`${what} path is absolute: ${JSON.stringify(name)}`);
  return archivePath(name, what);
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Byte-wise comparison of names (as C's strcmp), so output order never depends on locale. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(encodeName(a), encodeName(b));
}
