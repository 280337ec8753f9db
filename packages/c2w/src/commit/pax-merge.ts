import type { Writable } from 'node:stream';
import { readTar, TarWriter } from '@c2w/streams';
import { recordPath, type XattrMap } from './xattr-records.js';

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * Copies a tar, giving each entry the xattrs c2w-xattrs recorded for its path as PAX
 * `SCHILY.xattr.NAME` records (what erofs-pack reads; PAX values are length-prefixed, so binary
 * values such as security.capability survive). Streams: bodies pass through chunk by chunk.
 * Returns how many entries got xattrs.
 */
export async function mergeXattrs(source: AsyncIterable<Uint8Array>, output: Writable, xattrs: XattrMap, what: string): Promise<number> {
  const tar = new TarWriter(output);
  let merged = 0;
  try {
    for await (const { header, body } of readTar(source, what)) {
      const found = xattrs.get(recordPath(header.name));
      if (!found || header.type === 'link') {
        await tar.add(header, body);
        continue;
      }
      // the guest's values replace what the tar carried (busybox tar carries none)
      const pax: Record<string, string> = {};
      for (const [key, value] of Object.entries(header.pax ?? {})) if (!key.startsWith(XATTR_PREFIX)) pax[key] = value;
      for (const name of Object.keys(found).sort()) pax[XATTR_PREFIX + name] = found[name]!;
      await tar.add({ ...header, pax }, body);
      merged++;
    }
    await tar.finish();
  } catch (err) {
    tar.destroy(err as Error);
    output.destroy(err as Error);
    throw err;
  }
  return merged;
}
