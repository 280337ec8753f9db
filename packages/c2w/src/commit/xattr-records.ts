import { C2wError } from '@c2w/errors';
import { decodeName } from '@c2w/streams';

/** The guest's c2w-xattrs stream (packages/emu-build/guest-tools/c2w-xattrs.c) starts with this. */
export const XATTR_MAGIC = Buffer.from('c2w-xattrs v1\n\0\0', 'latin1');
/** Linux's limits (XATTR_NAME_MAX, XATTR_SIZE_MAX) and the guest's path buffer. */
const MAX = { path: 65535, name: 255, value: 65536 };

/** xattrs by tar path (no "./", no trailing "/", '' for the root): name -> value bytes as latin1. */
export type XattrMap = Map<string, Record<string, string>>;

export interface XattrRecords {
  xattrs: XattrMap;
  /** Where the tar that follows the records starts (a multiple of 512). */
  tarOffset: number;
}

/** A tar entry's name as c2w-xattrs records its path: busybox tar writes `./etc/` for etc. */
export const recordPath = (tarName: string): string => tarName.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');

/**
 * Reads the records from the start of the commit output disk up to their end record, holding only
 * the files that have xattrs (a few in a usual root). A stream that is not c2w-xattrs output, or
 * stops before its end record, is the guest failing: exit 4.
 */
export async function readXattrRecords(source: AsyncIterable<Buffer>, what: string): Promise<XattrRecords> {
  const xattrs: XattrMap = new Map();
  let buf: Buffer = Buffer.alloc(0);
  let consumed = 0;
  let magicSeen = false;
  const bad = (m: string) => new C2wError('runtime', `${what}: ${m} at byte ${consumed} of the guest's xattr records`);
  for await (const chunk of source) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (!magicSeen) {
      if (buf.length < XATTR_MAGIC.length) continue;
      if (!buf.subarray(0, XATTR_MAGIC.length).equals(XATTR_MAGIC)) throw bad('no c2w-xattrs header (did the guest run c2w-xattrs?)');
      magicSeen = true;
      buf = buf.subarray(XATTR_MAGIC.length);
      consumed = XATTR_MAGIC.length;
    }
    while (buf.length >= 12) {
      const [pl, nl, vl] = [buf.readUInt32LE(0), buf.readUInt32LE(4), buf.readUInt32LE(8)];
      if (nl === 0) {
        if (pl !== 0 || vl !== 0) throw bad(`a record with an empty name (path ${pl} bytes, value ${vl} bytes)`);
        consumed += 12;
        return { xattrs, tarOffset: Math.ceil(consumed / 512) * 512 };
      }
      if (pl > MAX.path || nl > MAX.name || vl > MAX.value) throw bad(`a record of ${pl}/${nl}/${vl} bytes (path/name/value), expected at most ${MAX.path}/${MAX.name}/${MAX.value}`);
      const size = 12 + pl + nl + vl;
      if (buf.length < size) break;
      const path = decodeName(buf, 12, 12 + pl);
      const name = decodeName(buf, 12 + pl, 12 + pl + nl);
      const value = buf.toString('latin1', 12 + pl + nl, size);
      const entry = xattrs.get(path) ?? {};
      entry[name] = value;
      xattrs.set(path, entry);
      buf = buf.subarray(size);
      consumed += size;
    }
    // keep what is left of a record on its own, not a view of a 1 MiB chunk
    buf = Buffer.from(buf);
  }
  throw bad('the records stop before their end record');
}
