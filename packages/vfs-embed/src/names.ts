import { InputError } from '@c2w/errors';

/**
 * A file's name inside the mount: one path component, at most 255 bytes, no NUL. Names are matched
 * literally (no directories inside the mount: it cannot be listed, so nested paths would mislead).
 */
export function checkFileName(name: string, where: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || bytes > 255) {
    throw new InputError(`bad file name ${JSON.stringify(name)} for ${where}: expected one path component of 1 to 255 bytes, without / or NUL`);
  }
}

/** The mount as the guest sees it: an absolute path without a trailing slash ("/" itself allowed). */
export function normalizeMount(mount: string): string {
  if (!mount.startsWith('/') || mount.includes('\0') || mount.split('/').some((c) => c === '.' || c === '..')) {
    throw new InputError(`bad mount ${JSON.stringify(mount)}: expected an absolute guest path like /embed`);
  }
  const trimmed = mount.replace(/\/+/g, '/').replace(/\/$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function assertUniqueNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InputError(`two files are both named ${JSON.stringify(n)} in the mount: expected unique names (rename one with FILE:NAME)`);
    seen.add(n);
  }
}
