import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar } from '@c2w/testing';
import { findTarMember, indexTarFile, openTarMember } from '../src/index.js';

async function text(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts).toString();
}

describe('tar file index', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'tar-index-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

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
