import { documentKind, layerCompression } from '../../src/image/media-types.js';

describe('media types', () => {
  it('classifies manifests, indexes and schema 1 by type, then by shape', () => {
    expect(documentKind({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json' })).toBe('manifest');
    expect(documentKind({ mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' })).toBe('index');
    expect(documentKind({}, 'application/vnd.oci.image.index.v1+json')).toBe('index');
    expect(documentKind({ schemaVersion: 2, config: {}, layers: [] })).toBe('manifest');
    expect(documentKind({ schemaVersion: 2, manifests: [] })).toBe('index');
    expect(documentKind({ schemaVersion: 1, fsLayers: [] })).toBe('schema1');
    expect(documentKind({}, 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toBe('schema1');
    expect(documentKind({ hello: 1 })).toBe('unknown');
  });

  it('reads compression from layer types and sniffs the rest', () => {
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar+gzip')).toBe('gzip');
    expect(layerCompression('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe('gzip');
    expect(layerCompression('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')).toBe('gzip');
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar+zstd')).toBe('zstd');
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar')).toBe('none');
    expect(layerCompression('application/octet-stream')).toBe('sniff');
    expect(layerCompression(undefined)).toBe('sniff');
  });
});
