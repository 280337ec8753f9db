import { InputError } from '@c2w/errors';
import type { Stanza } from './control-fields.js';
import { compareVersions } from './version.js';

/** The fields of a Packages stanza that resolution and download need. */
export interface BinaryPackage {
  name: string;
  version: string;
  architecture: string;
  depends: string;
  preDepends: string;
  provides: string;
  filename: string;
  size: number;
  sha256: string;
  source: string;
}

/** Packages by name, every version the indexes list (an index may hold several). */
export class PackageIndex {
  private readonly byName = new Map<string, BinaryPackage[]>();
  private readonly providers = new Map<string, BinaryPackage[]>();

  add(pkg: BinaryPackage): void {
    push(this.byName, pkg.name, pkg);
    for (const p of splitList(pkg.provides)) push(this.providers, p.replace(/\s*\(.*\)$/, '').trim(), pkg);
  }

  /** The highest version of a real package named `name`, or undefined. */
  newest(name: string): BinaryPackage | undefined {
    const all = this.byName.get(name);
    if (!all?.length) return undefined;
    return [...all].sort((a, b) => compareVersions(b.version, a.version))[0];
  }

  versions(name: string): readonly BinaryPackage[] {
    return this.byName.get(name) ?? [];
  }

  providersOf(name: string): readonly BinaryPackage[] {
    return this.providers.get(name) ?? [];
  }

  get size(): number {
    return this.byName.size;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function splitList(field: string): string[] {
  return field.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Maps a stanza to a BinaryPackage; a stanza without the download fields is hostile input. */
export function toBinaryPackage(stanza: Stanza, what: string): BinaryPackage {
  const get = (field: string): string => {
    const v = stanza.get(field);
    if (v === undefined || v === '') throw new InputError(`${what}: package ${stanza.get('Package') ?? '?'} has no ${field} field`);
    return v;
  };
  const sha256 = get('SHA256');
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InputError(`${what}: package ${stanza.get('Package')}: bad SHA256 ${JSON.stringify(sha256)}`);
  const filename = get('Filename');
  if (filename.startsWith('/') || filename.split('/').includes('..')) throw new InputError(`${what}: package ${stanza.get('Package')}: unsafe Filename ${filename}`);
  const size = Number(get('Size'));
  if (!Number.isSafeInteger(size) || size < 0) throw new InputError(`${what}: package ${stanza.get('Package')}: bad Size`);
  return {
    name: get('Package'),
    version: get('Version'),
    architecture: get('Architecture'),
    depends: stanza.get('Depends') ?? '',
    preDepends: stanza.get('Pre-Depends') ?? '',
    provides: stanza.get('Provides') ?? '',
    filename,
    size,
    sha256,
    source: stanza.get('Source') ?? '',
  };
}

/** Builds an index from stanzas, keeping only packages of the wanted architectures. */
export async function buildIndex(stanzas: AsyncIterable<Stanza> | Iterable<Stanza>, architectures: readonly string[], what: string, into = new PackageIndex()): Promise<PackageIndex> {
  for await (const stanza of stanzas) {
    if (!architectures.includes(stanza.get('Architecture') ?? '')) continue;
    into.add(toBinaryPackage(stanza, what));
  }
  return into;
}
