import { createHash } from 'node:crypto';
import { archivePath, xattrsOf, type TarEntry } from '@c2w/streams';

/** What the first pass remembers of an entry: metadata and a digest, never a body. */
export interface IndexedEntry {
  /** The name as written in the input tar (kept verbatim in the output). */
  name: string;
  /** Canonical archive path: no leading `./` or `/`; the root is ''. */
  path: string;
  type: string;
  size: number;
  linkname: string | undefined;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  owner: string;
  xattrs: string;
  /** sha256 of the body, base64; only for files that may be deduplicated. */
  digest?: string;
  /** The `#!` line of an executable file, to protect a protected script's interpreter. */
  shebang?: string;
}

const SHEBANG_BYTES = 256;

/**
 * Pass one: index every entry. Bodies are read only to hash them (dedupe candidates) or to sniff
 * a `#!` line (executables), chunk by chunk, so memory is bounded by the number of entries.
 */
export async function scanTar(entries: AsyncIterable<TarEntry>, wantsDigest: (path: string) => boolean): Promise<IndexedEntry[]> {
  const index: IndexedEntry[] = [];
  for await (const { header, body } of entries) {
    const path = archivePath(header.name);
    const type = header.type ?? 'file';
    const xattrs = xattrsOf(header);
    const item: IndexedEntry = {
      name: header.name, path, type, size: header.size ?? 0, linkname: header.linkname ?? undefined,
      mode: header.mode ?? 0, uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: header.mtime?.getTime() ?? 0,
      owner: `${header.uname ?? ''}:${header.gname ?? ''}`,
      xattrs: Object.keys(xattrs).length ? JSON.stringify(Object.entries(xattrs).sort()) : '',
    };
    const isFile = type === 'file' || type === 'contiguous-file';
    const hash = isFile && item.size > 0 && wantsDigest(path);
    const sniff = isFile && item.size > 2 && (item.mode & 0o111) !== 0;
    if (hash || sniff) Object.assign(item, await readBody(body, hash, sniff));
    index.push(item);
  }
  return index;
}

async function readBody(body: AsyncIterable<Buffer>, hash: boolean, sniff: boolean): Promise<Pick<IndexedEntry, 'digest' | 'shebang'>> {
  const h = hash ? createHash('sha256') : undefined;
  let head = Buffer.alloc(0);
  for await (const chunk of body) {
    h?.update(chunk);
    if (sniff && head.length < SHEBANG_BYTES) head = Buffer.concat([head, chunk.subarray(0, SHEBANG_BYTES - head.length)]);
  }
  const out: Pick<IndexedEntry, 'digest' | 'shebang'> = {};
  if (h) out.digest = h.digest('base64');
  if (head[0] === 0x23 && head[1] === 0x21) out.shebang = head.toString('latin1', 2).split('\n')[0]?.trim() ?? '';
  return out;
}
