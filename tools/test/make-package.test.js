import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACK_FILES, makePackage } from '../runtime-pack/make-package.js';

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An emu-build-shaped output: the machine's files and a pack.json listing their digests and sizes. */
function fakePack(arch = 'riscv64') {
  const dir = join(mkdtempSync(join(tmpdir(), 'make-package-')), 'pack');
  mkdirSync(dir);
  const files = {};
  for (const name of PACK_FILES[arch]) {
    writeFileSync(join(dir, name), `${name} bytes\n`);
    files[name] = { digest: sha(`${name} bytes\n`), size: `${name} bytes\n`.length };
  }
  writeFileSync(join(dir, 'pack.json'), JSON.stringify({ schemaVersion: 1, arch, files }));
  return dir;
}

describe('make-package', () => {
  it('writes the pack files, a README and a package.json naming the pack by its pack.json digest', async () => {
    const pack = fakePack();
    const out = await makePackage(pack, join(pack, '..', 'package'));
    expect(readdirSync(out).sort()).toEqual(['Image', 'README.md', 'fw_dynamic.bin', 'guest.tar', 'machine.wasm', 'pack.json', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    const c2wVersion = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'packages', 'c2w', 'package.json'), 'utf8')).version;
    expect(manifest).toMatchObject({ name: '@c2w/runtime-pack-riscv64', version: c2wVersion, c2w: { pack: sha(readFileSync(join(pack, 'pack.json'))) } });
    expect(manifest.files.sort()).toEqual(['Image', 'README.md', 'fw_dynamic.bin', 'guest.tar', 'machine.wasm', 'pack.json']);
  });

  it('packages an x86_64 pack as @c2w/runtime-pack-x86_64: the vmlinux, no firmware, its own README', async () => {
    const pack = fakePack('x86_64');
    const out = await makePackage(pack, join(pack, '..', 'package'));
    expect(readdirSync(out).sort()).toEqual(['README.md', 'guest.tar', 'machine.wasm', 'pack.json', 'package.json', 'vmlinux']);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@c2w/runtime-pack-x86_64', c2w: { pack: sha(readFileSync(join(pack, 'pack.json'))) } });
    expect(manifest.files.sort()).toEqual(['README.md', 'guest.tar', 'machine.wasm', 'pack.json', 'vmlinux']);
    expect(readFileSync(join(out, 'README.md'), 'utf8').split('\n')[0]).toBe('# @c2w/runtime-pack-x86_64');
  });

  it('refuses a pack.json without a known machine arch', async () => {
    const pack = fakePack();
    writeFileSync(join(pack, 'pack.json'), JSON.stringify({ schemaVersion: 1, arch: 'arm64', files: {} }));
    await expect(makePackage(pack, join(pack, '..', 'package'))).rejects.toThrow(new RegExp(`^make-package: ${pack}/pack\\.json has arch "arm64", expected one of riscv64, x86_64$`));
  });

  it('refuses a pack whose file does not match pack.json, naming it, and leaves no folder', async () => {
    const pack = fakePack();
    writeFileSync(join(pack, 'Image'), 'Image BYTES\n');
    const out = join(pack, '..', 'package');
    await expect(makePackage(pack, out)).rejects.toThrow(new RegExp(`^make-package: ${pack}/Image is sha256:[0-9a-f]{64} \\(12 bytes\\), expected sha256:[0-9a-f]{64} \\(12\\) from pack\\.json$`));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(pack, '..')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
