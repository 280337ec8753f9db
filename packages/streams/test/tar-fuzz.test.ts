import { InputError } from '@c2w/errors';
import { listRawTar, rawTar } from '@c2w/testing';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeName, encodeName, indexTarFile, readTar, TarEvent, TarParser, TarWriter } from '../src/index.js';

/** A path component: any bytes but NUL and '/', not '.' or '..'; some longer than ustar's fields. */
const component = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 90, maxLength: 200 }) },
).map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0x80 : b))))
  .filter((c) => c.toString('latin1') !== '.' && c.toString('latin1') !== '..');
const path = fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from('/'), p] : [p]))));
const target = fc.uint8Array({ minLength: 1, maxLength: 150 }).map((a) => Buffer.from(a.map((b) => (b === 0 ? 0x2f : b))));
const entry = fc.record({ name: path, symlink: fc.boolean(), target, body: fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a)) });
// Unique names: a tar may repeat one, but the comparisons below are simpler without
const entries = fc.uniqueArray(entry, { minLength: 1, maxLength: 6, selector: (e) => e.name.toString('hex') });

type Entry = fc.RecordValue<{ name: Buffer; symlink: boolean; target: Buffer; body: Buffer }>;

async function writeWithTarWriter(list: Entry[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new TarWriter(out);
  for (const e of list) {
    const common = { name: decodeName(e.name), mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) };
    if (e.symlink) await w.add({ ...common, type: 'symlink', size: 0, linkname: decodeName(e.target) });
    else await w.add({ ...common, type: 'file', size: e.body.length }, e.body);
  }
  await w.finish();
  return Buffer.concat(chunks);
}

/** [name, type, target or body] with bytes as hex: what every reader must agree on. */
function expected(list: Entry[]): string[][] {
  return list.map((e) => [e.name.toString('hex'), e.symlink ? 'symlink' : 'file', (e.symlink ? e.target : e.body).toString('hex')]);
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function viaReadTar(tar: Buffer, size: number): Promise<string[][]> {
  const out: string[][] = [];
  for await (const { header, body } of readTar(chunked(tar, size))) {
    const parts: Buffer[] = [];
    for await (const c of body) parts.push(Buffer.from(c));
    const extra = header.type === 'symlink' ? encodeName(header.linkname ?? '') : Buffer.concat(parts);
    out.push([encodeName(header.name).toString('hex'), String(header.type), extra.toString('hex')]);
  }
  return out;
}

function viaParser(tar: Buffer, size: number): string[][] {
  const parser = new TarParser('fuzz');
  const out: string[][] = [];
  let body: Buffer[] = [];
  for (let i = 0; i < tar.length; i += size) {
    // the parser keeps views: give it a copy that is overwritten after use, as a reused read buffer is
    const chunk = Buffer.from(tar.subarray(i, i + size));
    parser.push(chunk);
    for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) {
      if (e === TarEvent.Data) body.push(Buffer.from(parser.data));
      if (e === TarEvent.EntryEnd) {
        const h = parser.header;
        const extra = h.type === 'symlink' ? encodeName(h.linkname ?? '') : Buffer.concat(body);
        out.push([encodeName(h.name).toString('hex'), String(h.type), extra.toString('hex')]);
        body = [];
      }
    }
    chunk.fill(0x55);
  }
  parser.end();
  return out;
}

describe('tar codec fuzzing (fast-check)', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'tar-fuzz-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('round-trips arbitrary byte names and link targets: TarWriter -> readTar, TarParser, indexTarFile and an independent reader', async () => {
    await fc.assert(fc.asyncProperty(entries, fc.integer({ min: 1, max: 1500 }), async (list, size) => {
      const tar = await writeWithTarWriter(list);
      const want = expected(list);
      expect(listRawTar(tar).map((e) => [e.name.toString('hex'), e.type, (e.type === 'symlink' ? e.linkname : e.body).toString('hex')])).toEqual(want);
      expect(await viaReadTar(tar, size)).toEqual(want);
      expect(viaParser(tar, size)).toEqual(want);
      const file = join(dir, 'round.tar');
      await writeFile(file, tar);
      const index = await indexTarFile(file);
      expect([...index.values()].map((m) => [encodeName(m.name).toString('hex'), m.type, m.type === 'symlink' ? encodeName(m.linkname).toString('hex') : tar.subarray(m.offset, m.offset + m.size).toString('hex')])).toEqual(want);
    }), { numRuns: 150 });
  });

  it('reads byte names written by an independent writer', async () => {
    await fc.assert(fc.asyncProperty(entries, async (list) => {
      const tar = rawTar(list.map((e) => (e.symlink ? { name: e.name, type: 'symlink' as const, linkname: e.target } : { name: e.name, body: e.body })));
      expect(await viaReadTar(tar, 512)).toEqual(expected(list));
      // written back, the same bytes in the same places
      const again = await writeWithTarWriter(list);
      expect(await viaReadTar(again, 4096)).toEqual(expected(list));
    }), { numRuns: 100 });
  });

  it('corrupted or cut archives fail with an InputError or read through, never anything else', async () => {
    const mutation = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), fixChecksum: fc.boolean() });
    await fc.assert(fc.asyncProperty(entries, fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat()), fc.integer({ min: 1, max: 1024 }), async (list, mutations, cut, size) => {
      const tar = Buffer.from(await writeWithTarWriter(list));
      for (const m of mutations) {
        const at = m.at % tar.length;
        tar[at] = m.value;
        if (m.fixChecksum) fixChecksum(tar, at - (at % 512));
      }
      const input = cut === null ? tar : tar.subarray(0, cut % tar.length);
      await expectOnlyInputErrors(() => viaReadTar(input, size));
      await expectOnlyInputErrors(async () => viaParser(input, size));
      const file = join(dir, 'broken.tar');
      await writeFile(file, input);
      await expectOnlyInputErrors(() => indexTarFile(file));
    }), { numRuns: 300 });
  });
});

/** Recomputes the checksum of the block at `at` when it looks like a header, so damage gets past it. */
function fixChecksum(tar: Buffer, at: number): void {
  if (tar.subarray(at + 257, at + 262).toString('latin1') !== 'ustar') return;
  tar.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += tar[i]!;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

async function expectOnlyInputErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof InputError)) throw new Error(`expected an InputError, got ${String(err)}`, { cause: err });
  }
}
