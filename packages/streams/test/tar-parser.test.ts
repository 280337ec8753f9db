import { InputError } from '@c2w/errors';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar } from '@c2w/testing';
import { readFileChunks, readTar, TarEvent, TarParser, type TarHeader } from '../src/index.js';

interface Seen { header: TarHeader; body: string }

/** Everything TarParser reports for `tar` fed in pieces of `size` bytes (each piece a fresh copy
 * that is scribbled over once consumed, so a parser keeping views of old chunks would fail). */
function parse(tar: Buffer, size: number, what = 'tar'): Seen[] {
  const parser = new TarParser(what);
  const out: Seen[] = [];
  let body: Buffer[] = [];
  for (let i = 0; i < tar.length; i += size) {
    const chunk = Buffer.from(tar.subarray(i, i + size));
    parser.push(chunk);
    for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) {
      if (e === TarEvent.Entry) body = [];
      else if (e === TarEvent.Data) body.push(Buffer.from(parser.data));
      else out.push({ header: { ...parser.header }, body: Buffer.concat(body).toString('latin1') });
    }
    chunk.fill(0xaa);
  }
  parser.end();
  return out;
}

async function viaReadTar(tar: Buffer): Promise<Seen[]> {
  const out: Seen[] = [];
  async function* one(): AsyncGenerator<Buffer> { yield tar; }
  for await (const e of readTar(one())) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push({ header: { ...e.header }, body: Buffer.concat(parts).toString('latin1') });
  }
  return out;
}

function comparable(seen: Seen[]): unknown[] {
  // byteOffset: tar-stream's own extra, not part of TarHeader.
  return seen.map(({ header, body }) => ({ ...header, byteOffset: undefined, mtime: header.mtime.getTime(), body }));
}

/** A raw 512-byte header with a valid checksum; fields not given stay zero. */
function rawHeader(fields: { name: string; flag: string; size?: Buffer | number; magic?: 'ustar' | 'gnu'; mode?: string }): Buffer {
  const b = Buffer.alloc(512);
  b.write(fields.name, 0, 'utf8');
  b.write(fields.mode ?? '0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  if (Buffer.isBuffer(fields.size)) fields.size.copy(b, 124);
  else b.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  b.write('14000000000\0', 136);
  b.write(fields.flag, 156);
  if (fields.magic === 'gnu') b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\u000000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

function block(data: string | Buffer): Buffer {
  const d = Buffer.from(data);
  return Buffer.concat([d, Buffer.alloc((512 - (d.length % 512)) % 512)]);
}

const SIZES = [1 << 20, 1, 7, 511, 512, 513, 1000, 4099];

describe('TarParser', () => {
  it('reports exactly what readTar reports, for any chunk size', async () => {
    const tar = await makeTar([
      { name: 'dir', type: 'directory', mode: 0o750, mtime: 1_600_000_000 },
      { name: 'dir/a', body: 'hello', uid: 1000, gid: 100 },
      { name: 'dir/empty', body: '' },
      { name: `${'d'.repeat(120)}/${'f'.repeat(130)}`, body: 'x'.repeat(3000) },
      { name: 'l', type: 'symlink', linkname: 't'.repeat(300) },
      { name: 'h', type: 'link', linkname: 'dir/a' },
      { name: 'x', body: 'pax', pax: { 'SCHILY.xattr.user.k': 'v', uid: '3000000', gid: '3000001', mtime: '1700000000.75' } },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'fifo', type: 'fifo' },
      { name: 'big', body: Buffer.alloc(70_000, 5) },
      { name: 'ünïcødé ✓', body: 'utf8' },
    ]);
    const expected = comparable(await viaReadTar(tar));
    expect(expected).toHaveLength(11);
    for (const size of SIZES) expect([size, comparable(parse(tar, size))]).toEqual([size, expected]);
  });

  it('reads GNU long names and long link targets', async () => {
    const name = `gnu/${'n'.repeat(200)}`;
    const target = `/${'t'.repeat(300)}`;
    const tar = Buffer.concat([
      rawHeader({ name: '././@LongLink', flag: 'L', size: name.length + 1, magic: 'gnu' }), block(`${name}\0`),
      rawHeader({ name: '././@LongLink', flag: 'K', size: target.length + 1, magic: 'gnu' }), block(`${target}\0`),
      rawHeader({ name: 'gnu/short', flag: '2', magic: 'gnu' }),
      rawHeader({ name: 'after', flag: '0', size: 2, magic: 'gnu' }), block('ok'),
      Buffer.alloc(1024),
    ]);
    for (const size of SIZES) {
      const seen = parse(tar, size);
      expect(seen.map((s) => [s.header.name, s.header.type, s.header.linkname, s.body])).toEqual([
        [name, 'symlink', target, ''],
        ['after', 'file', null, 'ok'],
      ]);
    }
    expect(comparable(parse(tar, 512))).toEqual(comparable(await viaReadTar(tar)));
  });

  it('reads base-256 sizes and global PAX records as tar-stream does', async () => {
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size.writeUInt32BE(1000, 8);
    const tar = Buffer.concat([
      rawHeader({ name: 'pax_global_header', flag: 'g', size: 16 }), block('16 uname=global\n'),
      rawHeader({ name: 'b256', flag: '0', size }), block('z'.repeat(1000)),
      rawHeader({ name: 'PaxHeader/x', flag: 'x', size: 18 }), block('18 path=pax/named\n'),
      rawHeader({ name: 'x', flag: '0', size: 1 }), block('y'),
      Buffer.alloc(1024),
    ]);
    const seen = parse(tar, 100);
    expect(seen.map((s) => [s.header.name, s.header.size, s.body.length])).toEqual([['b256', 1000, 1000], ['pax/named', 1, 1]]);
    expect(seen[1]!.header.pax).toEqual({ uname: 'global', path: 'pax/named' });
    expect(comparable(seen)).toEqual(comparable(await viaReadTar(tar)));
  });

  it('accepts a stream without end blocks or without the last padding (umoci 0.4.7)', async () => {
    const tar = await makeTar([{ name: 'a', body: 'abc' }, { name: 'b', body: 'xy' }]);
    for (const size of SIZES) {
      expect(parse(tar.subarray(0, 512 * 4), size).map((s) => s.body)).toEqual(['abc', 'xy']);
      expect(parse(tar.subarray(0, 512 * 3 + 2), size).map((s) => s.body)).toEqual(['abc', 'xy']);
      expect(parse(tar.subarray(0, 512 * 3 + 100), size).map((s) => s.body)).toEqual(['abc', 'xy']);
    }
  });

  it('refuses streams cut inside a header, a body or a long record', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x'.repeat(2000) }, { name: `${'p'.repeat(150)}/${'q'.repeat(120)}`, body: 'y' }]);
    const longAt = 512 + 2048; // the second entry's PAX header
    for (const cut of [100, 1000, 2000, longAt + 600, longAt + 512 + 10]) {
      for (const size of [7, 512, 4099]) {
        expect(() => parse(tar.subarray(0, cut), size, 'layer 1')).toThrow(new InputError('layer 1 is truncated (unexpected end of data)'));
      }
    }
  });

  it('refuses what is not a tar', () => {
    const notTar = Buffer.alloc(1024, 0x41);
    expect(() => parse(notTar, 300)).toThrow(/tar is not a valid tar archive: Invalid tar header/);
    const badMagic = rawHeader({ name: 'a', flag: '0' });
    badMagic.write('zzzzz', 257);
    let sum = 0;
    badMagic.fill(0x20, 148, 156);
    for (const byte of badMagic) sum += byte;
    badMagic.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    expect(() => parse(badMagic, 512)).toThrow(/unknown format/);
  });

  it('reads files in reused chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tar-parser-'));
    try {
      const tar = await makeTar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: `${i}`.repeat(100 * i) })));
      await writeFile(join(dir, 'a.tar'), tar);
      const parser = new TarParser();
      const bodies: string[] = [];
      let body = '';
      for await (const chunk of readFileChunks(join(dir, 'a.tar'), 1536)) {
        parser.push(chunk);
        for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) {
          if (e === TarEvent.Data) body += parser.data.toString();
          else if (e === TarEvent.EntryEnd) { bodies.push(body); body = ''; }
        }
      }
      parser.end();
      expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => `${i}`.repeat(100 * i)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
