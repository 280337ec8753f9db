import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { readDeb } from '../../src/debian/deb-reader.js';
import { readAr } from '../../src/debian/ar-reader.js';
import { makeDeb } from '../fixtures/make-deb.js';

async function list(path: string, chunk?: number) {
  const seen: string[] = [];
  let body = '';
  const source = chunk ? rechunk(await readFile(path), chunk) : createReadStream(path);
  const control = await readDeb(source, 'test.deb', {
    async entry({ header, body: b }) {
      seen.push(`${header.type} ${header.name}${header.linkname ? ` -> ${header.linkname}` : ''}`);
      if (header.name.endsWith('hello')) for await (const c of b) body += Buffer.from(c).toString();
    },
  });
  return { control: Object.fromEntries(control), seen, body };
}

async function* rechunk(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('readDeb', () => {
  it.each(['xz', 'zstd', 'gzip', 'none'] as const)('unpacks a dpkg-deb built package (%s)', async (z) => {
    const deb = await makeDeb('hello', '1.0-1', [
      { path: 'usr/bin/hello', body: 'hello world\n', mode: 0o755 },
      { path: 'usr/bin/hi', symlink: 'hello' },
    ], z);
    const got = await list(deb);
    expect(got.control.Package).toBe('hello');
    expect(got.control.Version).toBe('1.0-1');
    expect(got.seen).toEqual(expect.arrayContaining(['file ./usr/bin/hello', 'symlink ./usr/bin/hi -> hello']));
    expect(got.body).toBe('hello world\n');
  });

  it('reads the same in odd chunk sizes', async () => {
    const deb = await makeDeb('hello', '1', [{ path: 'usr/bin/hello', body: 'x'.repeat(5000) }]);
    expect((await list(deb, 7)).body).toBe('x'.repeat(5000));
  });

  it('fails on a truncated .deb', async () => {
    const deb = await makeDeb('hello', '1', [{ path: 'usr/bin/hello', body: 'x'.repeat(100000) }], 'none');
    const bytes = await readFile(deb);
    await writeFile(`${deb}.cut`, bytes.subarray(0, bytes.length - 3000));
    await expect(list(`${deb}.cut`)).rejects.toThrow(/truncated/);
  });

  it('refuses a file that is not an ar archive', async () => {
    await expect(list('test/fixtures/trixie-InRelease')).rejects.toThrow(/not an ar archive/);
  });
});

describe('readAr', () => {
  it('lists deb members in order and pads odd sizes', async () => {
    const deb = await makeDeb('odd', '1', [{ path: 'a', body: 'abc' }], 'gzip');
    const names: string[] = [];
    for await (const m of readAr(createReadStream(deb), 'odd.deb')) names.push(`${m.name}:${m.size > 0}`);
    expect(names).toEqual(['debian-binary:true', 'control.tar.gz:true', 'data.tar.gz:true']);
  });
});
