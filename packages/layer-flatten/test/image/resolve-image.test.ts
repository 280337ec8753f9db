import { MediaType } from '@c2w/artifacts';
import { makeTar } from '@c2w/testing';
import { parsePlatform } from '../../src/image/platform.js';
import { resolveImage } from '../../src/image/resolve-image.js';
import { memoryImage, memorySource, sha256 } from '../helpers/memory-image.js';

async function twoPlatformIndex(nested: boolean) {
  const amd = memoryImage({ layerBlobs: [await makeTar([{ name: 'amd', body: '' }])] });
  const arm = memoryImage({ layerBlobs: [await makeTar([{ name: 'arm', body: '' }])], config: { architecture: 'arm64' } });
  const blobs = new Map([...amd.blobs, ...arm.blobs]);
  const entry = (m: Buffer, architecture: string, variant?: string) => ({ mediaType: MediaType.ociManifest, digest: sha256(m), size: m.length, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } });
  for (const m of [amd.manifest, arm.manifest]) blobs.set(sha256(m), m);
  let index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [entry(amd.manifest, 'amd64'), entry(arm.manifest, 'arm64', 'v8')] }));
  if (nested) {
    blobs.set(sha256(index), index);
    index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociIndex, digest: sha256(index), size: index.length }] }));
  }
  return { source: memorySource(index, blobs), amd, arm };
}

describe('resolving an image', () => {
  it('picks a platform from an index and from a nested index', async () => {
    for (const nested of [false, true]) {
      const { source, arm, amd } = await twoPlatformIndex(nested);
      expect((await resolveImage(source, parsePlatform('linux/arm64'))).manifestDigest).toBe(sha256(arm.manifest));
      expect((await resolveImage(source, undefined)).manifestDigest).toBe(sha256(amd.manifest));
    }
  });

  it('refuses schema 1 with a clear message', async () => {
    const doc = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }));
    await expect(resolveImage(memorySource(doc, new Map(), MediaType.dockerSchema1Signed), undefined)).rejects.toThrow('Docker schema 1 manifests are not supported');
  });

  it('checks a single image against --platform', async () => {
    const { source } = memoryImage({ layerBlobs: [] });
    await expect(resolveImage(source, parsePlatform('linux/riscv64'))).rejects.toThrow('the image is linux/amd64, not the requested linux/riscv64');
    await expect(resolveImage(source, parsePlatform('linux/amd64'))).resolves.toBeDefined();
  });

  it('refuses invalid digests before using them', async () => {
    const bad = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: 'sha256:../../etc/passwd', size: 1 }, layers: [] }));
    await expect(resolveImage(memorySource(bad, new Map()), undefined)).rejects.toThrow(/invalid manifest: config.digest/);
  });

  it('verifies a root document whose digest the reference pins', async () => {
    const { manifest, blobs } = memoryImage({ layerBlobs: [] });
    const source = { ...memorySource(manifest, blobs), root: async () => ({ bytes: manifest, mediaType: undefined, digest: sha256('other') }) };
    await expect(resolveImage(source, undefined)).rejects.toThrow('manifest digest mismatch');
  });
});
