import type { Descriptor } from '@c2w/artifacts';
import { InputError, UsageError } from '@c2w/errors';

export interface PlatformSpec { os: string; architecture: string; variant: string }

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/** `os/arch[/variant]` from the command line. */
export function parsePlatform(text: string): PlatformSpec {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new UsageError(`--platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/riscv64`);
  }
  return normalisePlatform({ os: parts[0] ?? '', architecture: parts[1] ?? '', variant: parts[2] });
}

/**
 * One spelling per platform, as containerd normalises: arm64 means arm64/v8, arm means arm/v7,
 * amd64 has no variant (v1 is the baseline), x86_64/aarch64 are Linux's names for amd64/arm64.
 */
export function normalisePlatform(p: { os: string; architecture: string; variant?: string | undefined }): PlatformSpec {
  const os = p.os.toLowerCase();
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = (p.variant ?? '').toLowerCase();
  if (variant === '') variant = DEFAULT_VARIANT[architecture] ?? '';
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  if (architecture === 'arm64' && variant === '8') variant = 'v8';
  return { os, architecture, variant };
}

export function formatPlatform(p: PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function samePlatform(a: PlatformSpec, b: PlatformSpec): boolean {
  return a.os === b.os && a.architecture === b.architecture && a.variant === b.variant;
}

/** buildx attestation manifests sit in indexes as unknown/unknown; they are never images to run. */
export function isAttestation(desc: Descriptor): boolean {
  return (desc.platform?.os === 'unknown' && desc.platform.architecture === 'unknown')
    || desc.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

const DEFAULT_ORDER: PlatformSpec[] = [
  { os: 'linux', architecture: 'riscv64', variant: '' },
  { os: 'linux', architecture: 'amd64', variant: '' },
];

/**
 * Picks the manifest for `wanted` from the manifests of an index (nested indexes already expanded).
 * Without --platform: linux/riscv64, else linux/amd64, else the only candidate
 * (docs/decisions/0002-default-platform.md).
 */
export function selectPlatform(candidates: Descriptor[], wanted: PlatformSpec | undefined, where: string): Descriptor {
  const usable = candidates.filter((d) => !isAttestation(d));
  if (usable.length === 0) throw new InputError(`${where}: the index lists no image manifest`);
  const withPlatform = (d: Descriptor) => (d.platform ? normalisePlatform(d.platform) : undefined);
  const find = (p: PlatformSpec) => usable.find((d) => { const q = withPlatform(d); return q !== undefined && samePlatform(p, q); });
  if (wanted) {
    const hit = find(wanted) ?? (usable.length === 1 && !usable[0]?.platform ? usable[0] : undefined);
    if (hit) return hit;
    throw new InputError(`${where}: no manifest for platform ${formatPlatform(wanted)}; available: ${available(usable)}`);
  }
  for (const p of DEFAULT_ORDER) {
    const hit = find(p);
    if (hit) return hit;
  }
  if (usable.length === 1 && usable[0]) return usable[0];
  throw new InputError(`${where}: several platforms and none is linux/riscv64 or linux/amd64; choose one with --platform (available: ${available(usable)})`);
}

function available(descs: Descriptor[]): string {
  return descs.map((d) => (d.platform ? formatPlatform(normalisePlatform(d.platform)) : 'unspecified')).join(', ');
}
