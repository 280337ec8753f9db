import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import tarStream from 'tar-stream';
import { PaxXattrScanner } from './pax-xattrs.js';

/**
 * One normalised line per path of a root filesystem, from an unpacked directory or a flattened tar,
 * so two flatteners can be compared file by file: type, mode (with suid/sgid/sticky), uid/gid, size
 * and sha256 of files, symlink target, device numbers, hardlink group (smallest member name), mtime,
 * extended attributes (values in hex, compared byte for byte; absent when there are none).
 * The root itself is left out; paths have no leading './' or '/'.
 */
export interface FsRecord {
  path: string;
  type: 'dir' | 'file' | 'symlink' | 'fifo' | 'char' | 'block' | 'socket' | 'other';
  mode: string;
  uid: number;
  gid: number;
  mtime: number;
  size?: number;
  sha256?: string;
  target?: string;
  dev?: string;
  hl?: string;
  xattrs?: Record<string, string>;
}

export type FsManifest = Map<string, FsRecord>;

const norm = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.').join('/');
const octal = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// Node has no getxattr; Python's os module reads them as bytes, without following symlinks.
const LIST_XATTRS = `
import json, os, sys
root, out = sys.argv[1], {}
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n)
        x = {k: os.getxattr(p, k, follow_symlinks=False).hex() for k in sorted(os.listxattr(p, follow_symlinks=False))}
        if x: out[os.path.relpath(p, root)] = x
json.dump(out, sys.stdout)
`;

async function xattrsOfDir(root: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse((await execa('python3', ['-c', LIST_XATTRS, root])).stdout) as Record<string, Record<string, string>>;
}

/** Walks a directory with lstat (never following symlinks); xattrs through python3. */
export async function manifestOfDir(root: string): Promise<FsManifest> {
  const out: FsManifest = new Map();
  const inodes = new Map<string, string[]>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(full);
      const r: FsRecord = { path, type: 'other', mode: octal(st.mode), uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
      if (st.isDirectory()) r.type = 'dir';
      else if (st.isFile()) {
        Object.assign(r, { type: 'file', size: st.size, sha256: await sha256File(full) });
        if (st.nlink > 1) inodes.set(`${st.dev}:${st.ino}`, [...(inodes.get(`${st.dev}:${st.ino}`) ?? []), path]);
      } else if (st.isSymbolicLink()) Object.assign(r, { type: 'symlink', target: await readlink(full), mode: '0777' });
      else if (st.isFIFO()) r.type = 'fifo';
      else if (st.isCharacterDevice() || st.isBlockDevice()) {
        r.type = st.isCharacterDevice() ? 'char' : 'block';
        r.dev = `${Math.floor(st.rdev / 256) & 0xfff}:${(st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00)}`;
      } else if (st.isSocket()) r.type = 'socket';
      out.set(path, r);
      if (st.isDirectory()) await walk(full, path);
    }
  };
  await walk(root, '');
  for (const [path, x] of Object.entries(await xattrsOfDir(root))) (out.get(path) as FsRecord).xattrs = x;
  for (const group of inodes.values()) {
    if (group.length < 2) continue;
    const first = [...group].sort()[0] as string;
    for (const p of group) (out.get(p) as FsRecord).hl = first;
  }
  return out;
}

/** Reads a tar; a hardlink entry is reported as the file it names, in that file's hardlink group. */
export async function manifestOfTar(input: AsyncIterable<Uint8Array> | Buffer): Promise<FsManifest> {
  const out: FsManifest = new Map();
  const groups = new Map<string, string>();
  const extract = tarStream.extract();
  const scanner = new PaxXattrScanner();
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const path = norm(h.name);
      const hash = createHash('sha256');
      for await (const c of entry) hash.update(c as Buffer);
      if (path === '') continue;
      if (out.has(path)) throw new Error(`duplicate path in tar: ${path}`);
      const r: FsRecord = { path, type: 'other', mode: octal(h.mode ?? 0), uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000) };
      const xattrs = scanner.xattrs.get(path);       // the scanner saw this entry's header first
      if (xattrs) r.xattrs = xattrs;
      switch (h.type) {
        case 'directory': r.type = 'dir'; break;
        case 'file': case 'contiguous-file': Object.assign(r, { type: 'file', size: h.size ?? 0, sha256: hash.digest('hex') }); break;
        case 'symlink': Object.assign(r, { type: 'symlink', target: h.linkname ?? '', mode: '0777' }); break;
        case 'fifo': r.type = 'fifo'; break;
        case 'character-device': case 'block-device':
          Object.assign(r, { type: h.type === 'character-device' ? 'char' : 'block', dev: `${h.devmajor ?? 0}:${h.devminor ?? 0}` }); break;
        case 'link': {
          const target = norm(h.linkname ?? '');
          const t = out.get(target);
          if (!t) throw new Error(`hardlink ${path} -> ${target}: target not earlier in the tar`);
          Object.assign(r, { ...t, path, hl: undefined });
          if (!t.xattrs) delete r.xattrs;                // one inode: the target's xattrs
          const g = groups.get(target) ?? target;
          groups.set(target, g);
          groups.set(path, g);
          break;
        }
      }
      out.set(path, r);
    }
  })();
  if (Buffer.isBuffer(input)) {
    scanner.push(input);
    extract.end(input);
  } else {
    for await (const chunk of input) {
      scanner.push(chunk);
      if (!extract.write(chunk)) await new Promise<void>((r) => extract.once('drain', () => r()));
    }
    (extract as unknown as { end(): void }).end();
  }
  await done;
  const members = new Map<string, string[]>();
  for (const [p, g] of groups) members.set(g, [...(members.get(g) ?? []), p]);
  for (const ps of members.values()) {
    const first = [...ps].sort()[0] as string;
    for (const p of ps) (out.get(p) as FsRecord).hl = first;
  }
  return out;
}

/** Differences as readable lines ('' when equal); `ignore` drops fields such as mtime. */
export function diffManifests(expected: FsManifest, actual: FsManifest, ignore: Array<keyof FsRecord> = []): string {
  const lines: string[] = [];
  const show = (r: FsRecord | undefined) => {
    if (!r) return 'absent';
    const copy: Record<string, unknown> = { ...r };
    for (const k of ignore) delete copy[k];
    return JSON.stringify(copy, Object.keys(copy).sort());
  };
  for (const path of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const a = show(expected.get(path));
    const b = show(actual.get(path));
    if (a !== b) lines.push(`${path}\n  expected ${a}\n  actual   ${b}`);
  }
  return lines.join('\n');
}
