import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { MediaType } from '@c2w/artifacts';
import { listTar, makeTar } from '@c2w/testing';
import { flattenTo } from '../../src/flatten.js';
import { resolveImage } from '../../src/image/resolve-image.js';
import { flattenSource, memoryImage, memorySource, sha256 } from '../helpers/memory-image.js';
import { BIG_LAYER_DIGEST, BIG_LAYER_LENGTH, BIG_SIZE, bigLayer } from './synthetic-large-layer.js';

const zstd = (data: Buffer) => spawnSync('zstd', ['-q', '-c'], { input: data, maxBuffer: 1 << 26 }).stdout;

describe('layer streams', () => {
  it('sniffs gzip, zstd and plain tar when the media type does not say', async () => {
    const tar = await makeTar([{ name: 'a', body: 'hello' }]);
    for (const blob of [gzipSync(tar), zstd(tar), tar]) {
      const image = memoryImage({ layerBlobs: [blob], diffIds: [sha256(tar)], layerTypes: ['application/octet-stream'] });
      expect((await listTar(await flattenSource(image.source))).map((e) => e.body)).toEqual(['hello']);
    }
  });

  it('decodes zstd layers and refuses truncated zstd', async () => {
    const tar = await makeTar([{ name: 'a', body: 'z'.repeat(300_000) }, { name: 'b', body: 'y' }]);
    const blob = zstd(tar);
    const ok = memoryImage({ layerBlobs: [blob], diffIds: [sha256(tar)], layerTypes: [MediaType.ociLayerZstd] });
    expect((await listTar(await flattenSource(ok.source))).map((e) => e.name)).toEqual(['a', 'b']);
    const cut = memoryImage({ layerBlobs: [blob.subarray(0, blob.length - 8)], diffIds: [sha256(tar)], layerTypes: [MediaType.ociLayerZstd] });
    await expect(flattenSource(cut.source)).rejects.toThrow(/^layer 1 of 1: zstd data is truncated or corrupt/);
  });

  it('refuses encrypted layers', async () => {
    const image = memoryImage({ layerBlobs: [Buffer.from('x')], layerTypes: ['application/vnd.oci.image.layer.v1.tar+gzip+encrypted'] });
    await expect(flattenSource(image.source)).rejects.toThrow('encrypted layers');
  });

  it('passes a file over 8 GiB (PAX size in, base-256 size out) without storing it', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [BIG_LAYER_DIGEST] } }));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length }, layers: [{ mediaType: MediaType.ociLayerTar, digest: BIG_LAYER_DIGEST, size: BIG_LAYER_LENGTH }] }));
    const source = memorySource(manifest, new Map([[sha256(config), config]]));
    source.openBlob = async (desc) => (desc.digest === BIG_LAYER_DIGEST ? Readable.from(bigLayer(), { objectMode: false }) : Readable.from([config]));
    let total = 0;
    const head: Buffer[] = [];
    let markByte = -1;
    const markAt = 512 + BIG_SIZE - 1;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (total < 1024) head.push(chunk.subarray(0, 1024 - total));
        if (markAt >= total && markAt < total + chunk.length) markByte = chunk[markAt - total] ?? -1;
        total += chunk.length;
        cb();
      },
    });
    const image = await resolveImage(source, undefined);
    await flattenTo(source, image, sink, { epoch: 0 });
    const first = Buffer.concat(head);
    expect(first.subarray(0, 3).toString()).toBe('big');
    expect(first[124]).toBe(0x80); // base-256 size field
    expect(first.readUIntBE(130, 6)).toBe(BIG_SIZE);
    expect(String.fromCharCode(markByte)).toBe('X');
    expect(total).toBe(512 + Math.ceil(BIG_SIZE / 512) * 512 + 1024 + 1024);
  }, 600_000);
});
