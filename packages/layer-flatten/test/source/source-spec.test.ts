import { parseSource } from '../../src/source/source-spec.js';

describe('SOURCE forms', () => {
  it('parses transports with optional references', () => {
    expect(parseSource('oci:/tmp/layout:v1')).toEqual({ kind: 'oci', path: '/tmp/layout', ref: 'v1' });
    expect(parseSource('oci:/tmp/layout')).toEqual({ kind: 'oci', path: '/tmp/layout', ref: undefined });
    expect(parseSource('oci-archive:img.tar:final')).toEqual({ kind: 'oci-archive', path: 'img.tar', ref: 'final' });
    expect(parseSource('docker-archive:img.tar:example.test/a:1')).toEqual({ kind: 'docker-archive', path: 'img.tar', ref: 'example.test/a:1' });
  });

  it('reads registry references with and without docker://', () => {
    expect(parseSource('docker://127.0.0.1:5000/a/b:t')).toEqual({ kind: 'registry', ref: { registry: '127.0.0.1:5000', repository: 'a/b', tag: 't', digest: undefined } });
    expect(parseSource('debian')).toEqual({ kind: 'registry', ref: { registry: 'docker.io', repository: 'library/debian', tag: 'latest', digest: undefined } });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseSource(`ghcr.io/o/r@${digest}`)).toEqual({ kind: 'registry', ref: { registry: 'ghcr.io', repository: 'o/r', tag: undefined, digest } });
  });

  it('refuses unsupported transports and invalid references as usage errors', () => {
    expect(() => parseSource('dir:/tmp/x')).toThrow('source transport dir: is not supported');
    expect(() => parseSource('Bad/Name')).toThrow('invalid image reference');
    expect(() => parseSource('a/b@sha256:xyz')).toThrow('the digest must be sha256:<64 hex>');
    expect(() => parseSource('oci:')).toThrow('oci: needs a path');
  });
});
