import { PassThrough } from 'node:stream';
import type { FsSlimReport } from '@c2w/artifacts';
import { readTar } from '@c2w/streams';
import { listTar, makeTar, type FixtureEntry, type ListedEntry } from '@c2w/testing';
import { planSlim, writeSlim } from '../src/slim.js';
import type { SlimOptionsInput } from '../src/options.js';

/** Not a test: runs both passes over an in-memory fixture, feeding the tar in odd chunk sizes. */
export async function* chunked(buf: Buffer, size = 777): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export interface Slimmed {
  tar: Buffer;
  entries: ListedEntry[];
  /** Surviving paths, without the leading `./` or `/`, directories with a trailing `/`. */
  names: string[];
  report: FsSlimReport;
}

export async function slimTar(input: Buffer, options: SlimOptionsInput, chunk = 777): Promise<Slimmed> {
  const plan = await planSlim(readTar(chunked(input, chunk)), options);
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await writeSlim(readTar(chunked(input, chunk === 777 ? 511 : chunk)), plan, out);
  const tar = Buffer.concat(parts);
  const entries = await listTar(tar);
  const names = entries.map((e) => e.name.replace(/^\.?\/+/, '').replace(/\/?$/, e.type === 'directory' ? '/' : ''));
  return { tar, entries, names, report: plan.report };
}

export async function slim(entries: FixtureEntry[], options: SlimOptionsInput): Promise<Slimmed> {
  return slimTar(await makeTar(entries), options);
}

/** Directories for every parent of the given files, so fixtures read like `find` output. */
export function tree(...paths: string[]): FixtureEntry[] {
  const out: FixtureEntry[] = [];
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) { dirs.add(d); out.push({ name: `${d}/`, type: 'directory' }); }
    }
    if (p.endsWith('/')) { if (!dirs.has(p.slice(0, -1))) { dirs.add(p.slice(0, -1)); out.push({ name: p, type: 'directory' }); } }
    else out.push({ name: p, body: `content of ${p}` });
  }
  return out;
}
