import { InputError } from '@c2w/errors';
import { encodeName } from '@c2w/streams';
import { xattrIndex, type Xattr } from './erofs-format.js';

/** The largest inline xattr body the kernel reads (i_xattr_icount is 16 bits of 4-byte slots). */
const XATTR_BODY_MAX = 12 + 4 * 0xfffe;

/**
 * A tar entry's xattrs (PAX `SCHILY.xattr.NAME`, values as latin1 strings of their bytes) in the
 * order EROFS stores them: sorted by index, then suffix, so the same tar gives the same bytes.
 * Names EROFS has no prefix for (e.g. `system.nfs4_acl`) are left out with a warning.
 */
export function parseXattrs(raw: Record<string, string>, warn: (message: string) => void): Xattr[] {
  const out: Xattr[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const split = xattrIndex(name);
    if (!split) { warn(`xattr ${JSON.stringify(name)} left out: EROFS stores only user., trusted., security. and POSIX ACLs`); continue; }
    const suffix = encodeName(split[1]);
    if (suffix.length > 255) throw new InputError(`xattr name ${JSON.stringify(name)} too long: at most 255 bytes after its prefix`);
    const bytes = Buffer.from(value, 'latin1');
    if (bytes.length > 0xffff) throw new InputError(`xattr ${JSON.stringify(name)} has ${bytes.length} bytes, expected at most 65535`);
    out.push({ index: split[0], suffix, value: bytes });
  }
  out.sort((a, b) => a.index - b.index || Buffer.compare(a.suffix, b.suffix));
  let body = 12;
  for (const x of out) body += (4 + x.suffix.length + x.value.length + 3) & ~3;
  if (out.length > 0 && body > XATTR_BODY_MAX) throw new InputError(`xattrs take ${body} bytes, expected at most ${XATTR_BODY_MAX}`);
  return out;
}
