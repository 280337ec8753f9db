import { join } from 'node:path';
import type { RuntimePack } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { digestFile } from '@c2w/streams';

/**
 * Every file pack.json lists must have its sha256 and size before a bundle is made of it: a pack
 * copied by hand, a half-extracted tarball or a bit flip would otherwise boot (or not) much later.
 */
export async function verifyPackFiles(dir: string, pack: RuntimePack): Promise<void> {
  for (const [name, want] of Object.entries(pack.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, name);
    let got;
    try {
      got = await digestFile(path);
    } catch (err) {
      throw new InputError(`runtime pack file ${path} is missing or unreadable, expected ${want.size} bytes listed in pack.json`, { cause: err });
    }
    if (got.size !== want.size) throw new InputError(`runtime pack file ${path} has ${got.size} bytes, expected ${want.size} (pack.json)`);
    if (got.digest !== want.digest) throw new InputError(`runtime pack file ${path} has ${got.digest}, expected ${want.digest} (pack.json)`);
  }
}
