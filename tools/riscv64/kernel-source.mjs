#!/usr/bin/env node
// Print the verified Debian kernel source as shell assignments for build-kernel.sh:
//   SRC_TAR SRC_VERSION SRC_SHA256 SRC_SUITE SRC_EPOCH
// It is emu-build's own resolver (packages/emu-build/src/build/kernel-source.ts), so the scripts
// and `emu-build` build the kernel from the same bytes under the same key.
// usage: kernel-source.mjs [--offline]   env: C2W_CACHE, C2W_DEBIAN_MIRROR, C2W_KERNEL_SUITE (bookworm)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'emu-build', 'dist', 'index.js');
if (!existsSync(dist)) {
  process.stderr.write(`[kernel-source] error: ${dist} is missing; run \`npx nx run @c2w/emu-build:build\` first\n`);
  process.exit(3);
}
const { kernelSourceFor, defaultCacheDir, hostDebianMirror } = await import(dist);
const offline = process.argv.includes('--offline');
try {
  const mirror = process.env.C2W_DEBIAN_MIRROR || (offline ? 'offline:' : await hostDebianMirror());
  const cache = defaultCacheDir();
  const source = await kernelSourceFor({ mirror, suite: process.env.C2W_KERNEL_SUITE || 'bookworm', cache, offline, progress: (m) => process.stderr.write(`[kernel-source] ${m}\n`) });
  await source.verify(); // build-kernel.sh may build from it: re-hash the cached tarball
  const q = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
  process.stdout.write([
    `SRC_TAR=${q(source.tarball)}`, `SRC_VERSION=${q(source.version)}`, `SRC_SHA256=${q(source.debSha256)}`,
    `SRC_SUITE=${q(source.suite)}`, `SRC_EPOCH=${q(source.epoch)}`,
  ].join('\n') + '\n');
} catch (err) {
  process.stderr.write(`[kernel-source] error: ${err.message}\n`);
  process.exit(err.exitCode ?? 1);
}
