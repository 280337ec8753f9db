#!/usr/bin/env node
// Every package.json lists exactly what its sources import: src/ and bin/ imports in
// "dependencies", the rest (test/, fixtures, configs, benches) in either list. Run by each
// package's lint script (`node ../../tools/check-deps.js .`); with no argument it checks every
// workspace package. Exit 1 listing missing and unused dependencies (crane's depcheck_test.go).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
// The workspace's test tooling (jest, @jest/globals, fast-check): any package's tests may use it.
const rootDevDeps = new Set(Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies ?? {}));
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
// Never scanned: build outputs and installed code.
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', '.nx']);
const RUNTIME_DIRS = ['src', 'bin'];
// Static and dynamic imports, re-exports, require() and require/import.meta.resolve() of a bare specifier.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\b(?:require|meta)\.resolve\s*\(\s*)['"]([^'"\s]+)['"]/g;
// A workspace tool run by its bin (runBin or bin with the tool's name): the dependency orders nx's builds.
const BIN = /\b(?:runBin|bin)\(\s*['"]([a-z0-9-]+)['"]/g;
// A workspace tool's bin reached by path: join(root, "packages", NAME, "bin", ...) in a test.
const PACKAGE_PATH = /['"]packages['"]\s*,\s*['"]([a-z0-9-]+)['"]\s*,\s*['"]bin['"]/g;

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or null for builtins and paths. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('#')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? null : name;
}

function* sourceFiles(dir) {
  let names;
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // A directory with its own package.json is another package (a test fixture), not this one's code.
      if (!SKIP_DIRS.has(name) && !isFile(join(path, 'package.json'))) yield* sourceFiles(path);
    } else if (SOURCE.test(name)) {
      yield path;
    }
  }
}

function isFile(path) {
  try { return statSync(path).isFile(); } catch { return false; }
}

function importsOf(files) {
  const used = new Map(); // package -> first file that imports it
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const name = packageOf(m[1]);
      if (name !== null && !used.has(name)) used.set(name, file);
    }
    for (const re of [BIN, PACKAGE_PATH]) {
      for (const m of text.matchAll(re)) if (!used.has(`@c2w/${m[1]}`)) used.set(`@c2w/${m[1]}`, file);
    }
  }
  return used;
}

/** Problems of one package directory, as lines; empty when its package.json matches its imports. */
export function checkPackage(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }));
  const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
  const runtimeFiles = RUNTIME_DIRS.flatMap((d) => [...sourceFiles(join(dir, d))]);
  const otherFiles = [...sourceFiles(dir)].filter((f) => !RUNTIME_DIRS.some((d) => f.startsWith(join(dir, d, '/'))));
  const runtime = importsOf(runtimeFiles);
  // oclif loads the plugins its config names (package.json "oclif.plugins"), never by an import.
  for (const name of manifest.oclif?.plugins ?? []) if (!runtime.has(name)) runtime.set(name, 'package.json');
  const other = importsOf(otherFiles);
  const self = manifest.name;
  const where = (f) => relative(dir, f);
  const problems = [];
  for (const [name, file] of runtime) {
    if (name === self || deps.has(name)) continue;
    problems.push(devDeps.has(name)
      ? `${name} is imported by ${where(file)} but listed only in devDependencies`
      : `missing dependency ${name} (imported by ${where(file)})`);
  }
  for (const [name, file] of other) {
    if (name !== self && !deps.has(name) && !devDeps.has(name) && !runtime.has(name) && !rootDevDeps.has(name)) problems.push(`missing devDependency ${name} (imported by ${where(file)})`);
  }
  // @types/x is used when x is; a type package for a builtin-only need (@types/node) lives at the root.
  const isUsed = (name) => runtime.has(name) || other.has(name) || (name.startsWith('@types/') && isUsed(typesTarget(name)));
  for (const name of deps) if (!runtime.has(name) && !(name.startsWith('@types/') && isUsed(name))) problems.push(`unused dependency ${name}${other.has(name) ? ' (only tests import it: move it to devDependencies)' : ''}`);
  for (const name of devDeps) if (!isUsed(name)) problems.push(`unused devDependency ${name}`);
  return problems;
}

/** `@types/picomatch` -> `picomatch`, `@types/scope__name` -> `@scope/name`. */
function typesTarget(name) {
  const bare = name.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

function workspacePackages() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return manifest.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return readdirSync(parent).map((n) => join(parent, n));
  }).filter((d) => isFile(join(d, 'package.json')));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : workspacePackages();
  let failed = false;
  for (const dir of dirs) {
    const problems = checkPackage(dir);
    if (problems.length === 0) continue;
    failed = true;
    const name = relative(root, join(dir, 'package.json')) || basename(dir);
    for (const p of problems) process.stderr.write(`check-deps: ${name}: ${p}\n`);
  }
  process.exitCode = failed ? 1 : 0;
}
