#!/usr/bin/env node
// Turns an emu-build output directory into the npm package @c2w/runtime-pack-<arch> (a folder ready
// for `npm pack`), arch being pack.json's machine (riscv64, x86_64): the pack files, package.json
// from c2w's version, the machine's README template.
// usage: node tools/runtime-pack/make-package.js PACK_DIR OUT_DIR   (OUT_DIR is replaced; prints it)
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** Each machine's pack files (pack.json's `files`), and what its package says it holds. */
export const PACK_FILES = {
  riscv64: ['machine.wasm', 'fw_dynamic.bin', 'Image', 'guest.tar'],
  x86_64: ['machine.wasm', 'vmlinux', 'guest.tar'],
};
const DESCRIPTION = {
  riscv64: 'c2w runtime pack for riscv64: machine.wasm, OpenSBI firmware, Linux Image, guest.tar and pack.json, as data',
  x86_64: 'c2w runtime pack for x86_64 (amd64 images): machine.wasm, the Linux vmlinux (PVH), guest.tar and pack.json, as data',
};
const README = { riscv64: 'README.md', x86_64: 'README-x86_64.md' };

async function sha256(path) {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) { hash.update(chunk); size += chunk.length; }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** package.json of the pack package: the version is c2w's, so `npm install` pairs them by release. */
export function packageManifest(version, packDigest, arch = 'riscv64') {
  return {
    name: `@c2w/runtime-pack-${arch}`,
    version,
    description: DESCRIPTION[arch],
    files: ['README.md', 'pack.json', ...PACK_FILES[arch]],
    c2w: { pack: packDigest },
    publishConfig: { access: 'public' },
  };
}

/** Writes the package folder; refuses a pack whose files do not match its pack.json. */
export async function makePackage(packDir, outDir) {
  const packJson = readFileSync(join(packDir, 'pack.json'));
  const pack = JSON.parse(packJson.toString('utf8'));
  const arch = pack.arch;
  if (!Object.hasOwn(PACK_FILES, arch)) throw new Error(`make-package: ${join(packDir, 'pack.json')} has arch ${JSON.stringify(arch)}, expected one of ${Object.keys(PACK_FILES).join(', ')}`);
  for (const name of PACK_FILES[arch]) {
    const want = pack.files?.[name];
    const got = await sha256(join(packDir, name));
    if (!want || want.digest !== got.digest || want.size !== got.size) {
      throw new Error(`make-package: ${join(packDir, name)} is ${got.digest} (${got.size} bytes), expected ${want?.digest} (${want?.size}) from pack.json`);
    }
  }
  const version = JSON.parse(readFileSync(join(root, 'packages', 'c2w', 'package.json'), 'utf8')).version;
  const digest = `sha256:${createHash('sha256').update(packJson).digest('hex')}`;
  // built beside OUT_DIR and renamed, so OUT_DIR is the old package or the whole new one
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const name of [...PACK_FILES[arch], 'pack.json']) copyFileSync(join(packDir, name), join(tmp, name));
    copyFileSync(join(here, 'template', README[arch]), join(tmp, 'README.md'));
    writeFileSync(join(tmp, 'package.json'), `${JSON.stringify(packageManifest(version, digest, arch), null, 2)}\n`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [packDir, outDir] = process.argv.slice(2);
  if (!packDir || !outDir) { process.stderr.write('usage: make-package.js PACK_DIR OUT_DIR\n'); process.exit(2); }
  try {
    console.log(await makePackage(resolve(packDir), resolve(outDir)));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
