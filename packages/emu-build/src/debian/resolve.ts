import { InputError } from '@c2w/errors';
import { compareBytes } from '@c2w/streams';
import { splitList, type BinaryPackage, type PackageIndex } from './packages-index.js';
import { compareVersions, satisfies } from './version.js';

interface Relation {
  name: string;
  op?: string;
  version?: string;
}

/** `libc6 (>= 2.38)`, `foo:any`, `bar [riscv64]` (the arch list does not occur in binary indexes). */
export function parseRelation(text: string): Relation {
  const m = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?\s*$/.exec(text.trim());
  if (!m) throw new InputError(`bad dependency relation ${JSON.stringify(text)}`);
  return m[2] ? { name: m[1]!, op: m[2], version: m[3]! } : { name: m[1]! };
}

function candidates(index: PackageIndex, rel: Relation): BinaryPackage[] {
  const real = [...index.versions(rel.name)].filter((p) => !rel.op || satisfies(p.version, rel.op, rel.version!));
  // A versioned relation is not satisfied by a virtual package without a versioned Provides; we
  // only accept unversioned provides, which is what binary indexes use for shared libraries.
  const virtual = rel.op ? [] : [...index.providersOf(rel.name)];
  return [...real, ...virtual];
}

/**
 * The run-time closure (Depends + Pre-Depends) of the requested packages. For an alternative
 * (`a | b`) the first one that the index can satisfy wins, as apt does with no other preference.
 * Returned sorted by name, so the result is independent of the request order.
 */
export function resolveClosure(index: PackageIndex, requested: readonly string[]): BinaryPackage[] {
  const chosen = new Map<string, BinaryPackage>();
  const queue: Array<{ pkg: BinaryPackage; via: string }> = [];
  const take = (pkg: BinaryPackage, via: string): void => {
    const already = chosen.get(pkg.name);
    if (already) {
      if (already.version !== pkg.version) throw new InputError(`${via}: needs ${pkg.name} ${pkg.version}, but ${already.version} was already chosen`);
      return;
    }
    chosen.set(pkg.name, pkg);
    queue.push({ pkg, via });
  };
  for (const name of requested) {
    const pkg = index.newest(name);
    if (!pkg) throw new InputError(`package ${name} is not in the index`);
    take(pkg, name);
  }
  while (queue.length) {
    const { pkg, via } = queue.shift()!;
    for (const group of [...splitList(pkg.preDepends), ...splitList(pkg.depends)]) {
      const alternatives = group.split('|').map(parseRelation);
      // Prefer an alternative that is already chosen and fits, then the first available one.
      const fits = alternatives.find((r) => { const c = chosen.get(r.name); return c && (!r.op || satisfies(c.version, r.op, r.version!)); });
      if (fits) continue;
      let picked: BinaryPackage | undefined;
      for (const rel of alternatives) {
        const found = candidates(index, rel).sort((a, b) => compareVersions(b.version, a.version));
        picked = found.find((p) => p.name === rel.name) ?? found[0];
        if (picked) break;
      }
      if (!picked) throw new InputError(`${via} -> ${pkg.name}: unsatisfiable dependency "${group}"`);
      take(picked, `${via} -> ${pkg.name}`);
    }
  }
  return [...chosen.values()].sort((a, b) => compareBytes(a.name, b.name));
}
