import { gzipSync } from 'node:zlib';
import { InputError } from '@c2w/errors';
import { makeTar, type FixtureEntry } from '@c2w/testing';
import { MediaType } from '@c2w/artifacts';
import { flattenSource, gzipImage, memoryImage, sha256 } from './helpers/memory-image.js';

const base: FixtureEntry[] = [
  { name: 'etc/', type: 'directory' }, { name: 'etc/passwd', body: 'root' },
  { name: 'esc', type: 'symlink', linkname: '../../..' }, { name: 'loop', type: 'symlink', linkname: 'loop' },
  { name: 'file', body: 'f' },
];

async function attack(layer: FixtureEntry[]): Promise<InputError> {
  const image = gzipImage([await makeTar(base), await makeTar(layer)]);
  const err = await flattenSource(image.source).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('hostile layers are refused with the layer and the path', () => {
  const cases: Array<[string, FixtureEntry[], RegExp]> = [
    ['a .. component', [{ name: 'etc/../../evil', body: 'x' }], /^layer 2 of 2: entry path escapes the root: "etc\/..\/..\/evil"/],
    ['an absolute name', [{ name: '/etc/evil', body: 'x' }], /^layer 2 of 2: entry path is absolute: "\/etc\/evil"/],
    ['a write through a symlink leaving the root', [{ name: 'esc/tmp/evil', body: 'x' }], /^layer 2 of 2: "esc\/tmp\/evil" resolves through a symlink that leaves the root/],
    ['a whiteout through a symlink leaving the root', [{ name: 'esc/etc/.wh.passwd', body: '' }], /^layer 2 of 2: "esc\/etc\/.wh.passwd" resolves through a symlink that leaves the root/],
    ['a hardlink to a missing file', [{ name: 'h', type: 'link', linkname: 'nope' }], /^layer 2 of 2: hardlink "h" points to a missing file "nope"/],
    ['a hardlink to a directory', [{ name: 'h', type: 'link', linkname: 'etc' }], /^layer 2 of 2: hardlink "h" points to a directory "etc"/],
    ['a hardlink escaping by ..', [{ name: 'h', type: 'link', linkname: '../etc/shadow' }], /^layer 2 of 2: hardlink "h" target path escapes the root/],
    ['a hardlink escaping through a symlink', [{ name: 'h', type: 'link', linkname: 'esc/etc/shadow' }], /^layer 2 of 2: "h" resolves through a symlink that leaves the root/],
    ['a bare .wh.', [{ name: 'etc/.wh.', body: '' }], /^layer 2 of 2: entry "etc\/.wh.": invalid whiteout name/],
    ['a non-directory .', [{ name: './', body: 'x' }], /^layer 2 of 2: entry ".\/": the root "." must be a directory/],
    ['a symlink loop in a parent path', [{ name: 'loop/x', body: 'x' }], /^layer 2 of 2: "loop\/x": too many levels of symbolic links/],
    ['a file below a file', [{ name: 'file/x', body: 'x' }], /^layer 2 of 2: entry "file\/x": a parent is not a directory/],
  ];
  it.each(cases)('%s', async (_what, layer, message) => {
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
