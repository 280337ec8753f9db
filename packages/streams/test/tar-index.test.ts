import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar } from '@c2w/testing';
import { encodeName, findTarMember, indexTarFile, openTarMember } from '../src/index.js';

/** One ustar header block (GNU-style magic-free fields kept minimal) and its padded body. */
function rawBlock(flag: string, body: Buffer, name = Buffer.from('x')): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0);
  h.write('0000644\0', 100, 'latin1');
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

async function text(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts).toString();
}

describe('tar file index', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'tar-index-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('decodes headers as TarParser does: global PAX, GNU long names and names that are bytes', async () => {
    const bytes = (t: string) => Buffer.from(t, 'latin1');
    const record = (k: string, v: Buffer) => { const body = Buffer.concat([bytes(` ${k}=`), v, bytes('\n')]); return Buffer.concat([bytes(String(body.length + 2)), body]); }; // two-digit lengths
    const global = record('comment', bytes('ignored'));
    const pax = Buffer.concat([record('path', bytes('p\xff/x')), record('SCHILY.xattr.security.capability', Buffer.from([1, 0, 0, 2, 0x80]))]);
    const tar = Buffer.concat([
      rawBlock('g', global), rawBlock('x', pax), rawBlock('0', bytes('pax')),
      rawBlock('L', Buffer.concat([bytes(`${'L'.repeat(110)}\xfe`), Buffer.alloc(1)])), rawBlock('0', bytes('gnu')),
      rawBlock('0', bytes('plain'), bytes('u\xfd')), Buffer.alloc(1024),
    ]);
    const path = join(dir, 'bytes.tar');
    await writeFile(path, tar);
    const names = [...(await indexTarFile(path)).values()].map((m) => [encodeName(m.name).toString('latin1'), m.size]);
    expect(names).toEqual([['p\xff/x', 3], [`${'L'.repeat(110)}\xfe`, 3], ['u\xfd', 5]]);
  });

  it('locates members by offset, with long names and links followed', async () => {
    const long = `${'d'.repeat(120)}/file`;
    const tar = await makeTar([
      { name: 'manifest.json', body: '[1]' },
      { name: 'abc.tar', body: 'layer bytes' },
      { name: 'id/layer.tar', type: 'symlink', linkname: '../abc.tar' },
      { name: 'hard', type: 'link', linkname: 'abc.tar' },
      { name: long, body: 'long' },
      { name: 'empty', body: '' },
    ]);
    const path = join(dir, 'a.tar');
    await writeFile(path, tar);
    const index = await indexTarFile(path);
    expect([...index.keys()]).toEqual(['manifest.json', 'abc.tar', 'id/layer.tar', 'hard', long, 'empty']);
    expect(await text(openTarMember(path, findTarMember(index, 'id/layer.tar')))).toBe('layer bytes');
    expect(await text(openTarMember(path, findTarMember(index, './hard')))).toBe('layer bytes');
    expect(await text(openTarMember(path, findTarMember(index, long)))).toBe('long');
    expect(await text(openTarMember(path, findTarMember(index, 'empty')))).toBe('');
    expect(() => findTarMember(index, 'missing')).toThrow('has no member "missing"');
  });

  it('refuses links that leave the archive and corrupt headers', async () => {
    const path = join(dir, 'b.tar');
    const tar = await makeTar([{ name: 'x', type: 'symlink', linkname: '../../etc/passwd' }, { name: 'f', body: 'abc' }]);
    await writeFile(path, tar);
    const index = await indexTarFile(path);
    expect(() => findTarMember(index, 'x')).toThrow('escapes the archive');
    tar[600] = 0x41; // inside the second header
    await writeFile(path, tar);
    await expect(indexTarFile(path)).rejects.toThrow('archive at offset 512 is not a valid tar archive: Invalid tar header');
    await writeFile(path, tar.subarray(0, 700));
    await expect(indexTarFile(path)).rejects.toThrow(/truncated/);
  });
});
