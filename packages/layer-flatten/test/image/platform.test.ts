import type { Descriptor } from '@c2w/artifacts';
import { formatPlatform, normalisePlatform, parsePlatform, selectPlatform } from '../../src/image/platform.js';

const desc = (os: string, architecture: string, variant?: string, extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${String(os.length + architecture.length + (variant?.length ?? 0)).padStart(64, '0')}`, size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) }, ...extra,
});

describe('platforms', () => {
  it('normalises variants and architecture aliases', () => {
    expect(formatPlatform(parsePlatform('linux/arm64'))).toBe('linux/arm64/v8');
    expect(formatPlatform(parsePlatform('linux/aarch64'))).toBe('linux/arm64/v8');
    expect(formatPlatform(parsePlatform('linux/arm'))).toBe('linux/arm/v7');
    expect(formatPlatform(normalisePlatform({ os: 'linux', architecture: 'amd64', variant: 'v1' }))).toBe('linux/amd64');
    expect(formatPlatform(parsePlatform('linux/x86_64'))).toBe('linux/amd64');
    expect(() => parsePlatform('linux')).toThrow('expected os/arch[/variant]');
    expect(() => parsePlatform('linux//v7')).toThrow('expected os/arch[/variant]');
  });

  const index = [
    desc('unknown', 'unknown', undefined, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
    desc('linux', 'amd64'), desc('linux', 'arm64', 'v8'), desc('linux', 'arm', 'v7'), desc('linux', 'arm', 'v6'),
  ];

  it('matches requested platforms through normalisation', () => {
    expect(selectPlatform(index, parsePlatform('linux/arm64'), 'x').platform?.architecture).toBe('arm64');
    expect(selectPlatform(index, parsePlatform('linux/arm'), 'x').platform?.variant).toBe('v7');
    expect(selectPlatform(index, parsePlatform('linux/arm/v6'), 'x').platform?.variant).toBe('v6');
    expect(() => selectPlatform(index, parsePlatform('linux/riscv64'), 'x')).toThrow('no manifest for platform linux/riscv64; available: linux/amd64, linux/arm64/v8, linux/arm/v7, linux/arm/v6');
  });

  it('defaults to riscv64, then amd64, then the only image, skipping attestations', () => {
    expect(selectPlatform([...index, desc('linux', 'riscv64')], undefined, 'x').platform?.architecture).toBe('riscv64');
    expect(selectPlatform(index, undefined, 'x').platform?.architecture).toBe('amd64');
    expect(selectPlatform([index[0]!, desc('linux', 's390x')], undefined, 'x').platform?.architecture).toBe('s390x');
    expect(() => selectPlatform([desc('linux', 's390x'), desc('linux', 'ppc64le')], undefined, 'x')).toThrow('choose one with --platform');
    expect(() => selectPlatform([index[0]!], undefined, 'x')).toThrow('lists no image manifest');
  });
});
