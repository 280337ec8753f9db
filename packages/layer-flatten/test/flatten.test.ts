import { gzipSync } from 'node:zlib';
import { InputError } from '@c2w/errors';
import { makeTar, type FixtureEntry } from '@c2w/testing';
import { MediaType } from '@c2w/artifacts';
import { hostileBase, hostileLayers } from './helpers/hostile-layers.js';
import { flattenSource, gzipImage, memoryImage, sha256 } from './helpers/memory-image.js';

async function attack(layer: FixtureEntry[]): Promise<InputError> {
  const image = gzipImage([await makeTar(hostileBase), await makeTar(layer)]);
  const err = await flattenSource(image.source).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('hostile layers are refused with the layer and the path', () => {
  it.each(hostileLayers)('%s', async (_what, layer, message) => {
    expect((await attack(layer)).message).toMatch(message);
  });
});

describe('integrity', () => {
  it('refuses a blob whose digest does not match', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x' }]);
    const image = gzipImage([tar]);
    const blob = gzipSync(tar);
    image.blobs.set(sha256(blob), Buffer.concat([blob.subarray(0, -1), Buffer.from([blob[blob.length - 1]! ^ 1])]));
    await expect(flattenSource(image.source)).rejects.toThrow(/^layer 1 of 1: blob sha256:[0-9a-f]{64}: digest mismatch/);
  });

  it('refuses a layer whose uncompressed content does not match its diff_id', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x' }]);
    const image = memoryImage({ layerBlobs: [gzipSync(tar)], diffIds: [sha256('other')], layerTypes: [MediaType.ociLayerGzip] });
    await expect(flattenSource(image.source)).rejects.toThrow(/^layer 1 of 1: uncompressed content \(diff_id\): digest mismatch/);
  });

  it('refuses truncated gzip even when the digests describe the truncated bytes', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x'.repeat(10000) }]);
    const cut = gzipSync(tar).subarray(0, 60);
    const image = memoryImage({ layerBlobs: [cut], diffIds: [sha256(tar)], layerTypes: [MediaType.ociLayerGzip] });
    await expect(flattenSource(image.source)).rejects.toThrow(/^layer 1 of 1: gzip data is truncated or corrupt/);
  });

  it('refuses a blob longer than its descriptor says', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x' }]);
    const image = memoryImage({ layerBlobs: [tar] });
    const manifest = JSON.parse(image.manifest.toString());
    manifest.layers[0].size -= 1;
    const source = { ...image.source, root: async () => ({ bytes: Buffer.from(JSON.stringify(manifest)), mediaType: undefined, digest: undefined }) };
    await expect(flattenSource(source)).rejects.toThrow(/more than the declared/);
  });

  it('refuses a diff_ids list that does not match the layers', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x' }]);
    const image = memoryImage({ layerBlobs: [tar], diffIds: [] });
    await expect(flattenSource(image.source)).rejects.toThrow(/1 layers but the config lists 0 diff_ids/);
  });
});

describe('output', () => {
  it('is byte-identical for the same image and sorted with parents first', async () => {
    const tars = [await makeTar([{ name: 'b/z', body: '1' }, { name: 'a-b', body: '2' }, { name: 'a/c', body: '3' }])];
    const one = await flattenSource(gzipImage(tars).source);
    const two = await flattenSource(gzipImage(tars).source);
    expect(one.equals(two)).toBe(true);
    const { listTar } = await import('@c2w/testing');
    expect((await listTar(one)).map((e) => e.name)).toEqual(['a/', 'a/c', 'a-b', 'b/', 'b/z']);
  });

  it('writes an empty archive for an image without layers', async () => {
    const image = memoryImage({ layerBlobs: [] });
    expect((await flattenSource(image.source)).length).toBe(1024);
  });
});
