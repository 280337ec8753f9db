#!/usr/bin/env node
// Writes PKG_DIR/oclif.manifest.json, the command list oclif reads instead of importing every
// command to learn their ids and flags (what `oclif manifest` does; docs/decisions/0051). Run by
// the package's build after tsc, so the manifest is as fresh as dist/. With --check it writes
// nothing and exits 1 when the file on disk differs from what the build would write.
// usage: node tools/oclif-manifest.js PKG_DIR [--check]
import { createRequire } from 'node:module';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MANIFEST_FILE = 'oclif.manifest.json';

/** The manifest of the oclif plugin in `dir`, made by the @oclif/core that package itself loads. */
export async function buildManifest(dir) {
  // the package's own oclif (through its dependencies), so the manifest matches the reader's version
  const core = createRequire(join(dir, 'package.json')).resolve('@oclif/core', { paths: [dir, join(dir, 'node_modules')] });
  const { Plugin, settings } = await import(pathToFileURL(core).href);
  // compiled commands only: under NODE_ENV=test oclif would look for src/ and record its paths
  settings.enableAutoTranspile = false;
  // ignoreManifest: never copy an old file; errorOnManifestCreate: a command that fails to load fails the build
  const plugin = new Plugin({ root: dir, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
  await plugin.load();
  if (!Object.keys(plugin.manifest.commands).length) throw new Error(`oclif-manifest: ${dir} has no commands (is dist/ built?)`);
  return `${JSON.stringify(plugin.manifest, null, 2)}\n`;
}

async function main(argv) {
  const args = argv.filter((a) => a !== '--check');
  if (args.length !== 1) {
    process.stderr.write('usage: node tools/oclif-manifest.js PKG_DIR [--check]\n');
    return 2;
  }
  const dir = resolve(args[0]);
  const path = join(dir, MANIFEST_FILE);
  const text = await buildManifest(dir);
  if (argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(path, 'utf8'); } catch { /* missing: stale */ }
    if (old === text) return 0;
    process.stderr.write(`oclif-manifest: ${path} is stale or missing; rebuild the package\n`);
    return 1;
  }
  // written whole or not at all: a half-written manifest would break every command
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
