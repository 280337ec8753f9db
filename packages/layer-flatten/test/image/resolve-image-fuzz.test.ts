import { Readable } from 'node:stream';
import fc from 'fast-check';
import { MediaType, type Descriptor } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { parsePlatform } from '../../src/image/platform.js';
import { resolveImage } from '../../src/image/resolve-image.js';
import type { ImageSource } from '../../src/source/image-source.js';
import { memoryImage, sha256 } from '../helpers/memory-image.js';

// The OCI manifest reader on hostile documents: whatever the bytes of a manifest, index or config,
// resolveImage either resolves or rejects with an InputError (exit 1), never a TypeError (exit 70).

/** Blobs by digest; a missing one is the input's fault, as the real sources report it. */
function source(root: Buffer, blobs: Map<string, Buffer>, mediaType?: string): ImageSource {
  const open = async (desc: Descriptor) => {
    const data = blobs.get(desc.digest);
    if (!data) throw new InputError(`memory: no blob ${desc.digest}`);
    return Readable.from([data]);
  };
  return { description: 'memory', root: async () => ({ bytes: root, mediaType, digest: undefined }), openBlob: open, openManifest: open, async close() {} };
}

async function outcome(run: Promise<unknown>): Promise<'resolved' | 'input error'> {
  try {
    await run;
    return 'resolved';
  } catch (err) {
    if (err instanceof InputError) return 'input error';
    throw err;
  }
}

const mediaTypes = fc.constantFrom(undefined, ...Object.values(MediaType));
const platforms = fc.constantFrom(undefined, 'linux/amd64', 'linux/arm64/v8', 'linux/riscv64');

/** A JSON document shaped by a valid one with one value somewhere replaced by anything. */
function mutated(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
  const [head, ...rest] = path;
  const copy: Record<string | number, unknown> = Array.isArray(doc) ? [...doc] as never : { ...(doc as object) };
  const keys = Object.keys(copy);
  const key = typeof head === 'number' && keys.length > 0 ? keys[head % keys.length]! : String(head);
  copy[key] = mutated(copy[key], rest, value);
  return copy;
}

describe('resolveImage on arbitrary documents', () => {
  it('arbitrary bytes as the root document', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), mediaTypes, async (bytes, mediaType) => {
      expect(await outcome(resolveImage(source(Buffer.from(bytes), new Map(), mediaType), undefined))).toBe('input error');
    }), { numRuns: 300 });
  });

  it('arbitrary JSON values as manifest, index or config', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), mediaTypes, platforms, async (value, mediaType, platform) => {
      const root = Buffer.from(JSON.stringify(value) ?? 'null');
      await outcome(resolveImage(source(root, new Map(), mediaType), platform ? parsePlatform(platform) : undefined));
    }), { numRuns: 300 });
  });

  it('a valid image whose manifest, config or index has one value replaced', async () => {
    const image = memoryImage({ layerBlobs: [Buffer.alloc(1024)] });
    const manifest = JSON.parse(image.manifest.toString()) as Record<string, unknown>;
    const config = JSON.parse(image.config.toString()) as Record<string, unknown>;
    const seen = { resolved: 0, 'input error': 0 };
    const path = fc.array(fc.oneof(fc.nat(8), fc.constantFrom('schemaVersion', 'mediaType', 'config', 'layers', 'manifests', 'platform', 'digest', 'size', 'rootfs', 'diff_ids', 'architecture', 'os', 'variant', 'urls')), { maxLength: 4 });
    await fc.assert(fc.asyncProperty(fc.constantFrom('manifest', 'config', 'index'), path, fc.jsonValue({ maxDepth: 3 }), platforms, async (which, at, value, platform) => {
      const blobs = new Map(image.blobs);
      let root: Buffer;
      if (which === 'config') {
        const bad = Buffer.from(JSON.stringify(mutated(config, at, value)) ?? 'null');
        blobs.set(sha256(bad), bad);
        root = Buffer.from(JSON.stringify({ ...manifest, config: { mediaType: MediaType.ociConfig, digest: sha256(bad), size: bad.length } }));
      } else if (which === 'manifest') {
        root = Buffer.from(JSON.stringify(mutated(manifest, at, value)) ?? 'null');
      } else {
        blobs.set(sha256(image.manifest), image.manifest);
        const entry = { mediaType: MediaType.ociManifest, digest: sha256(image.manifest), size: image.manifest.length, platform: { os: 'linux', architecture: 'amd64' } };
        root = Buffer.from(JSON.stringify(mutated({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry] }, at, value)) ?? 'null');
      }
      seen[await outcome(resolveImage(source(root, blobs), platform ? parsePlatform(platform) : undefined))]++;
    }), { numRuns: 500 });
    // not vacuous: some mutations are harmless (an unknown key), most are refused
    expect(seen.resolved).toBeGreaterThan(10);
    expect(seen['input error']).toBeGreaterThan(100);
  });
});
