import { InputError } from '@c2w/errors';
import { PassThrough, Readable } from 'node:stream';
import { readTar, TarWriter, type TarHeader } from '../src/index.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function writeTar(entries: Array<[Partial<TarHeader> & { name: string }, string?]>): Promise<Buffer> {
  const out = new PassThrough();
  const bytes = collect(out);
  const w = new TarWriter(out);
  for (const [h, body] of entries) {
    const data = body === undefined ? undefined : Buffer.from(body);
    await w.add({ type: 'file', mode: 0o644, uid: 0, gid: 0, size: data?.length ?? 0, mtime: new Date(0), ...h }, data);
  }
  await w.finish();
  return bytes;
}

/** Feeds a buffer in odd chunk sizes: parsers must not depend on chunk boundaries. */
async function* chunked(buf: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('tar round trip', () => {
  it('keeps names over 100 bytes, long link targets, xattrs and devices', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(130)}`;
    const tar = await writeTar([
      [{ name: long }, 'hello'],
      [{ name: 'l', type: 'symlink', linkname: 't'.repeat(300) }],
      [{ name: 'x', pax: { 'SCHILY.xattr.user.k': 'v' } }, ''],
      [{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }],
    ]);
    const seen: Array<[TarHeader, string]> = [];
    for await (const e of readTar(chunked(tar))) {
      const parts: Buffer[] = [];
      for await (const c of e.body) parts.push(c);
      seen.push([e.header, Buffer.concat(parts).toString()]);
    }
    expect(seen.map(([h]) => h.name)).toEqual([long, 'l', 'x', 'dev/null']);
    expect(seen[0]?.[1]).toBe('hello');
    expect(seen[1]?.[0].linkname).toBe('t'.repeat(300));
    expect(seen[2]?.[0].pax?.['SCHILY.xattr.user.k']).toBe('v');
    expect(seen[3]?.[0]).toMatchObject({ devmajor: 1, devminor: 3, type: 'character-device' });
  });

  it('drains bodies the caller skips', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(100_000)], [{ name: 'b' }, 'y']]);
    const names: string[] = [];
    for await (const e of readTar(chunked(tar, 4096))) names.push(e.header.name);
    expect(names).toEqual(['a', 'b']);
  });

  it('accepts a stream without end-of-archive blocks (umoci 0.4.7 layers)', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'abc']]);
    const noEnd = tar.subarray(0, 1024); // header + one data block
    const names: string[] = [];
    for await (const e of readTar(chunked(noEnd))) names.push(e.header.name);
    expect(names).toEqual(['a']);
  });

  it('accepts a last data block without its zero padding (umoci 0.4.7 insert)', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'abc'], [{ name: 'b' }, 'xy']]);
    const unpadded = tar.subarray(0, 512 * 3 + 2); // a: header + block, b: header + 2 bytes
    const seen: string[] = [];
    for await (const e of readTar(chunked(unpadded))) {
      const parts: Buffer[] = [];
      for await (const c of e.body) parts.push(c);
      seen.push(`${e.header.name}=${Buffer.concat(parts).toString()}`);
    }
    expect(seen).toEqual(['a=abc', 'b=xy']);
  });

  it('applies PAX uid, gid and mtime records', async () => {
    const tar = await writeTar([[{ name: 'a', uid: 5, pax: { uid: '3000000', gid: '3000001', mtime: '1700000000.75' } }, 'x']]);
    for await (const e of readTar(chunked(tar))) expect(e.header).toMatchObject({ uid: 3000000, gid: 3000001, mtime: new Date(1700000000000) });
  });

  it('refuses a stream cut inside an entry', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(2000)]]);
    const cut = tar.subarray(0, 1000);
    await expect(async () => {
      for await (const _e of readTar(chunked(cut), 'layer 1')) { /* read */ }
    }).rejects.toThrow('layer 1 is truncated (unexpected end of data)');
  });

  it('refuses a stream cut inside a body the caller reads', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(2000)]]);
    const cut = tar.subarray(0, 1000);
    await expect(async () => {
      for await (const e of readTar(chunked(cut), 'layer 1')) for await (const _c of e.body) { /* read */ }
    }).rejects.toThrow('layer 1 is truncated (unexpected end of data)');
  });

  it('propagates errors from the source', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(512);
      throw new InputError('digest mismatch');
    }
    await expect(async () => {
      for await (const _e of readTar(failing())) { /* read */ }
    }).rejects.toThrow('digest mismatch');
  });
});
