import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@c2w/errors';
import { archivePath } from '@c2w/streams';
import { readDeb } from '../debian/deb-reader.js';
import type { BinaryPackage } from '../debian/packages-index.js';
import type { OutputCache } from '../cache/output-cache.js';
import { keyOf } from '../cache/cache-key.js';

/** OpenSBI's generic-platform fw_dynamic, as Debian's `opensbi` package installs it. */
export const FIRMWARE_PATH = 'usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

/** fw_dynamic.bin taken out of the verified opensbi .deb, cached by the .deb's digest. */
export async function firmware(pkg: BinaryPackage, deb: () => Promise<string>, cache: OutputCache, progress: (m: string) => void): Promise<string> {
  const key = keyOf({ v: 1, deb: pkg.sha256, path: FIRMWARE_PATH });
  const hit = await cache.lookup('firmware', key);
  if (hit.state === 'hit') return join(hit.entry.dir, 'fw_dynamic.bin');
  if (hit.state === 'corrupt') progress(`firmware: cached ${hit.file} is corrupted (sha256 mismatch), rebuilding`);
  const debPath = await deb();
  const entry = await cache.store('firmware', key, async (tmp) => {
    let found = false;
    await readDeb(createReadStream(debPath), `${pkg.name}_${pkg.version}.deb`, {
      async entry({ header, body }) {
        if (archivePath(header.name) !== FIRMWARE_PATH || header.type !== 'file') return;
        await pipeline(Readable.from(body), createWriteStream(join(tmp, 'fw_dynamic.bin')));
        found = true;
      },
    });
    if (!found) throw new InputError(`${pkg.name} ${pkg.version} has no ${FIRMWARE_PATH}`);
    return ['fw_dynamic.bin'];
  });
  return join(entry.dir, 'fw_dynamic.bin');
}
