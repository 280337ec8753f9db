import { PassThrough } from 'node:stream';
import tarStream from 'tar-stream';

/** One entry of a fixture tar; defaults make tests short: a root-owned 0644 file at epoch 0. */
export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  body?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

/** Builds a tar archive in memory (fixtures are small by construction). */
export async function makeTar(entries: FixtureEntry[], { endBlocks = true } = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => { sink.on('end', resolve); sink.on('error', reject); });
  pack.pipe(sink);
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    const defaultMode = type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644;
    pack.entry({
      name: e.name, type, mode: e.mode ?? defaultMode, uid: e.uid ?? 0, gid: e.gid ?? 0,
      mtime: new Date((e.mtime ?? 0) * 1000), size: body?.length ?? 0,
      linkname: e.linkname, devmajor: e.devmajor, devminor: e.devminor, pax: e.pax,
    } as never, body as never);
  }
  pack.finalize();
  await ended;
  const tar = Buffer.concat(chunks);
  return endBlocks ? tar : tar.subarray(0, tar.length - 1024);
}

export interface ListedEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  body?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, string>;
}

/** Reads a tar fully into a comparable list (bodies as utf8 text; fixtures only). */
export async function listTar(tar: Buffer): Promise<ListedEntry[]> {
  const extract = tarStream.extract();
  const out: ListedEntry[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(c as Buffer);
      const item: ListedEntry = { name: h.name, type: h.type ?? 'file', mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: h.size ?? 0, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000) };
      if (h.linkname) item.linkname = h.linkname;
      if (h.type === 'file' || h.type === 'contiguous-file') item.body = Buffer.concat(parts).toString('utf8');
      if (h.type === 'character-device' || h.type === 'block-device') { item.devmajor = h.devmajor ?? 0; item.devminor = h.devminor ?? 0; }
      const xattrs = Object.fromEntries(Object.entries(h.pax ?? {}).filter(([k]) => k.startsWith('SCHILY.xattr.')).map(([k, v]) => [k.slice(13), v]));
      if (Object.keys(xattrs).length) item.xattrs = xattrs;
      out.push(item);
    }
  })();
  extract.end(tar);
  await done;
  return out;
}
