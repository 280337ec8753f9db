import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tarStream from 'tar-stream';

/** One entry as every reader reports it: what a round trip must preserve. */
export interface Seen {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  sha?: string;
  target?: string;
  dev?: string;
}

/** Reads a tar (from a buffer or a command's stdout) into a map keyed by canonical path. */
export async function readTarEntries(tar: AsyncIterable<Uint8Array> | Buffer): Promise<Map<string, Seen>> {
  const extract = tarStream.extract();
  const out = new Map<string, Seen>();
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const hash = createHash('sha256');
      let size = 0;
      for await (const c of entry) { hash.update(c as Buffer); size += (c as Buffer).length; }
      const path = (h.name ?? '').replace(/^\.?\/+/, '').replace(/\/+$/, '');
      if (path === '' || path === '.') continue;
      const seen: Seen = { path, type: h.type ?? 'file', mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: 0, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000) };
      if (seen.type === 'file' || seen.type === 'contiguous-file') { seen.type = 'file'; seen.size = size; seen.sha = hash.digest('hex').slice(0, 16); }
      if (seen.type === 'symlink') seen.target = h.linkname ?? '';
      if (seen.type === 'link') seen.target = (h.linkname ?? '').replace(/^\.?\/+/, '');
      if (seen.type === 'character-device' || seen.type === 'block-device') seen.dev = `${h.devmajor},${h.devminor}`;
      out.set(path, seen);
    }
  })();
  if (Buffer.isBuffer(tar)) extract.end(tar);
  else (async () => { for await (const c of tar) extract.write(c); extract.end(); })().catch((e) => extract.destroy(e));
  await done;
  return out;
}

/** Resolves tar hardlink entries to the file they point at, so readers that choose differently compare equal. */
export function resolveLinks(entries: Map<string, Seen>): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const [p, e] of entries) {
    if (e.type === 'link') {
      const t = entries.get(e.target!);
      out.set(p, { ...t!, path: p });
    } else out.set(p, e);
  }
  return out;
}

/** The image as libarchive reads it (bsdtar converts it to a tar stream without extracting). */
export async function viaBsdtar(iso: string): Promise<Map<string, Seen>> {
  const r = await execa('bsdtar', ['-cf', '-', '--format', 'pax', `@${iso}`], { encoding: 'buffer', maxBuffer: 1 << 30 });
  return readTarEntries(Buffer.from(r.stdout));
}

/** The image as libisofs reads it: xorriso -osirrox extracts it, bsdtar re-reads the tree. */
export async function viaXorriso(iso: string): Promise<Map<string, Seen>> {
  const dir = await mkdtemp(join(tmpdir(), 'iso-pack-x-'));
  try {
    await execa('xorriso', ['-osirrox', 'on:device_files', '-indev', iso, '-extract', '/', join(dir, 'x')]);
    const r = await execa('bsdtar', ['-C', join(dir, 'x'), '-cf', '-', '--format', 'pax', '.'], { encoding: 'buffer', maxBuffer: 1 << 30 });
    return readTarEntries(Buffer.from(r.stdout));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The image as libisofs reads it, compared attribute by attribute (type, mode, uid, gid, size,
 * content, link target, device, mtime) by `xorriso -compare_r` with the input tar as GNU tar
 * extracts it (with --delay-directory-restore: by default it sets a directory's time when the
 * archive leaves it, too early for trees in random order; bsdtar is no alternative, it fails on
 * hardlinks to decomposed Unicode names). This covers what xorriso's own extraction cannot show: it restores no symlink
 * owner or time (no lchown, no lutimes). Left out: st_ctime (no extraction can set it), the root's
 * times (implicit: SOURCE_DATE_EPOCH) and a symlink's mode on disk, which Linux keeps at 0777 (its
 * image side must equal the tar's mode). One line per difference, paths from the image root.
 */
export async function xorrisoCompare(iso: string, tar: Buffer, expected: Map<string, Seen>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'iso-pack-c-'));
  try {
    const ref = join(dir, 'ref');
    await mkdir(ref);
    await execa('tar', ['--delay-directory-restore', '-xpf', '-', '-C', ref], { input: tar });
    const r = await execa('xorriso', ['-indev', iso, '-compare_r', ref, '/'], { reject: false, all: true, maxBuffer: 1 << 28 });
    if (!/Differences detected|Both file objects match/.test(r.all) || /Comparison failed/.test(r.all)) throw new Error(`xorriso -compare_r did not compare:\n${r.all}`);
    const out: string[] = [];
    for (const line of r.all.split('\n')) {
      const m = /^(\S) '(.*)' +\((DISK|ISO)\) : (\S+) *:(.*)$/.exec(line);
      if (!m) continue;
      const [, type, quoted, , attr, values] = m;
      const path = quoted!.replace(/'"'"'/g, "'").replace(ref, '').replace(/^\//, '');
      if (attr === 'st_ctime' || (path === '' && type === 'd')) continue;
      if (attr === 'st_mode' && type === 'l' && parseInt(values!.split('<>')[1]!.trim(), 8) % 0o10000 === expected.get(path)?.mode) continue;
      out.push(`${path}: ${attr}:${values}`);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Differences between what went in and what a reader saw, one line each ('' = none). */
export function differences(expected: Map<string, Seen>, actual: Map<string, Seen>, opts: { ignoreDirMtime?: boolean; ignoreSymlinkMeta?: boolean } = {}): string[] {
  const out: string[] = [];
  const a = resolveLinks(actual);
  for (const [p, e] of resolveLinks(expected)) {
    const g = a.get(p);
    if (!g) { out.push(`missing ${p}`); continue; }
    const keys: Array<keyof Seen> = ['type', 'mode', 'uid', 'gid', 'size', 'sha', 'target', 'dev', 'mtime'];
    for (const k of keys) {
      if (k === 'mtime' && e.type === 'directory' && opts.ignoreDirMtime) continue;
      // an extracted symlink shows the extractor's owner, time and Linux's 0777 (see xorrisoCompare)
      if (e.type === 'symlink' && opts.ignoreSymlinkMeta && ['mode', 'uid', 'gid', 'mtime'].includes(k)) continue;
      if (e[k] !== g[k]) out.push(`${p}: ${k} ${String(e[k])} != ${String(g[k])}`);
    }
  }
  for (const p of a.keys()) if (!expected.has(p)) out.push(`unexpected ${p}`);
  return out;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'iso-pack-t-'));
}

export async function writeTemp(dir: string, name: string, data: Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, data);
  return p;
}
