import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every package under packages/ is published unless it is test-only: a new package (say
// packages/vfs-embed) fails here until its package.json has the same publishing fields as the rest.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRIVATE = new Set(['@c2w/testing']);
const LEFTOVERS = ['!dist/.tsbuildinfo', '!dist/jest-results.json', '!dist/**/*.map'];
const rootEngines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
const packages = readdirSync(join(root, 'packages')).sort()
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({ dir: join(root, 'packages', d), manifest: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }));

describe('publishing fields', () => {
  it.each(packages.map((p) => [p.manifest.name, p]))('%s is private only if test-only', (name, { manifest }) => {
    expect(manifest.private === true).toBe(PRIVATE.has(name));
  });

  const published = packages.filter((p) => !PRIVATE.has(p.manifest.name));
  it.each(published.map((p) => [p.manifest.name, p]))('%s has types, engines, files, publishConfig and a README', (name, { dir, manifest }) => {
    expect(manifest.types).toBe('./dist/index.d.ts');
    expect(manifest.exports?.['.']?.types).toBe('./dist/index.d.ts');
    expect(manifest.engines?.node).toBe(rootEngines);
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', ...LEFTOVERS]));
    if (manifest.bin) {
      expect(manifest.files).toContain('bin');
      for (const path of Object.values(manifest.bin)) expect(existsSync(join(dir, path))).toBe(true);
    }
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
  });

  it.each(published.map((p) => [p.manifest.name, p]))('%s depends on c2w libraries by a caret range on their version', (name, { manifest }) => {
    const versions = Object.fromEntries(packages.map((p) => [p.manifest.name, p.manifest.version]));
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith('@c2w/')) expect({ dep, range }).toEqual({ dep, range: `^${versions[dep]}` });
      // a published package cannot need one that is never published
      expect({ dep, private: PRIVATE.has(dep) }).toEqual({ dep, private: false });
    }
  });
});
