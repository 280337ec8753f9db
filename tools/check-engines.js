#!/usr/bin/env node
// Checks that the root package.json `engines.node` admits no Node version that an installed package
// (runtime or dev, at any depth) refuses, and prints the versions each side allows. Run after
// `npm ci`: node tools/check-engines.js. (eslint-visitor-keys 5 is what raised the floor to 20.19.)
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const semver = createRequire(join(root, 'package.json'))('semver'); // present through eslint and jest

const ranges = new Map();
const walk = (dir) => {
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (name.startsWith('@')) { walk(path); continue; }
    try {
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      if (pkg.engines?.node) ranges.set(`${pkg.name}@${pkg.version}`, pkg.engines.node);
    } catch { /* not a package */ }
    walk(join(path, 'node_modules'));
  }
};
walk(join(root, 'node_modules'));
for (const p of readdirSync(join(root, 'packages'))) walk(join(root, 'packages', p, 'node_modules'));

const declared = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
const probes = [];
for (let major = 18; major <= 26; major++) for (let minor = 0; minor <= 40; minor++) probes.push(`${major}.${minor}.0`);
const refusedBy = (v) => [...ranges].filter(([, r]) => !semver.satisfies(v, r)).map(([k, r]) => `${k} (${r})`);
const wrong = probes.filter((v) => semver.satisfies(v, declared) && refusedBy(v).length > 0);
const allowed = probes.filter((v) => refusedBy(v).length === 0);
console.log(`${ranges.size} packages declare engines.node; root declares "${declared}"`);
console.log(`lowest versions every package accepts, per major: ${[...new Set(allowed.map((v) => semver.major(v)))].map((m) => allowed.find((v) => semver.major(v) === m)).join(', ')}`);
if (wrong.length) {
  console.log(`root admits versions some package refuses: ${wrong[0]} (${refusedBy(wrong[0]).join(', ')})${wrong.length > 1 ? ` and ${wrong.length - 1} more` : ''}`);
  process.exit(1);
}
