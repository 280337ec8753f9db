import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listTar, makeTar } from '@c2w/testing';
import { dockerArchiveSource } from '../../src/source/docker-archive.js';
import { archiveStore } from '../../src/source/file-store.js';
import { flattenSource, sha256 } from '../helpers/memory-image.js';

describe('docker-archive', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'lf-docker-archive-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  async function archive(name: string) {
    const l1 = await makeTar([{ name: 'a', body: 'one' }]);
    const l2 = await makeTar([{ name: 'b', body: 'two' }]);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(l1), sha256(l2)] } });
    const hex = (b: Buffer) => sha256(b).slice(7);
    const tar = await makeTar([
      { name: 'manifest.json', body: JSON.stringify([
        { Config: 'c.json', RepoTags: ['example.test/other:1'], Layers: [`${hex(l1)}.tar`] },
        { Config: 'c.json', RepoTags: ['example.test/img:1', 'img:2'], Layers: ['id1/layer.tar', 'id2/layer.tar'] },
      ]) },
      { name: 'c.json', body: config },
      { name: `${hex(l1)}.tar`, body: l1 },
      { name: 'id1/layer.tar', type: 'symlink', linkname: `../${hex(l1)}.tar` },
      { name: 'gz', body: gzipSync(l2) },            // a compressed layer, as `docker load` accepts
      { name: 'id2/layer.tar', type: 'symlink', linkname: '../gz' },
    ]);
    const path = join(dir, name);
    await writeFile(path, tar);
    return path;
  }

  it('follows manifest.json through symlinked layer members and picks the image by tag', async () => {
    const path = await archive('a.tar');
    for (const ref of ['example.test/img:1', 'img:2', '@1']) {
      const source = await dockerArchiveSource(await archiveStore(path, 'x'), ref, 'x');
      expect((await listTar(await flattenSource(source))).map((e) => `${e.name}=${e.body}`)).toEqual(['a=one', 'b=two']);
    }
  });

  it('reads xz and zstd layers too, which docker load accepts and only magic bytes name', async () => {
    const layers = [await makeTar([{ name: 'x', body: 'xz' }]), await makeTar([{ name: 'z', body: 'zstd' }])];
    const packed = [execFileSync('xz', ['-c'], { input: layers[0] }), execFileSync('zstd', ['-q', '-c'], { input: layers[1] })];
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) } });
    const path = join(dir, 'xz.tar');
    await writeFile(path, await makeTar([
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', RepoTags: ['img:1'], Layers: ['1/layer.tar', '2/layer.tar'] }]) },
      { name: 'c.json', body: config },
      { name: '1/layer.tar', body: packed[0] },
      { name: '2/layer.tar', body: packed[1] },
    ]));
    const source = await dockerArchiveSource(await archiveStore(path, 'x'), undefined, 'x');
    expect((await listTar(await flattenSource(source))).map((e) => `${e.name}=${e.body}`)).toEqual(['x=xz', 'z=zstd']);
  });

  it('asks for a reference when the archive holds several images', async () => {
    const path = await archive('b.tar');
    await expect(dockerArchiveSource(await archiveStore(path, 'x'), undefined, 'x')).rejects.toThrow('holds 2 images; add :REF');
    await expect(dockerArchiveSource(await archiveStore(path, 'x'), 'nope:1', 'x')).rejects.toThrow('no image tagged "nope:1"');
  });
});
