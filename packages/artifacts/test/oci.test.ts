import { ImageConfig, jsonSchemas } from '../src/index.js';

describe('ImageConfig', () => {
  it('accepts a minimal config and keeps unknown fields', () => {
    const cfg = ImageConfig.parse({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, extra: 1 });
    expect(cfg).toMatchObject({ architecture: 'riscv64', extra: 1 });
  });
  it('rejects a malformed diff_id', () => {
    expect(() => ImageConfig.parse({ architecture: 'x', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:zz'] } })).toThrow(/sha256/);
  });
  it('publishes JSON Schemas', () => {
    expect(Object.keys(jsonSchemas())).toContain('oci-image-config');
  });
});
