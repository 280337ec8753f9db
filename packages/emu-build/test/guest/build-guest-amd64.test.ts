import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { open, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { elfDeps } from '../../src/guest/elf-needed.js';
import { amd64Guest } from '../fixtures/x86_64.js';

// The amd64 guest base built from Debian trixie's real amd64 packages (resolved and downloaded
// through emu-build's cache: a few MB the first time).
jest.setTimeout(10 * 60_000);

let root: string;
beforeAll(async () => { ({ root } = await amd64Guest()); });

/** ELF identification as file(1) reads it: magic, class, data encoding, e_machine. */
async function elfHeader(path: string): Promise<{ class: number; data: number; machine: number } | undefined> {
  const fh = await open(path, 'r');
  try {
    const h = Buffer.alloc(20);
    const { bytesRead } = await fh.read(h, 0, 20, 0);
    if (bytesRead < 20 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return { class: h[4]!, data: h[5]!, machine: h.readUInt16LE(18) };
  } finally {
    await fh.close();
  }
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* files(join(dir, e.name));
    else if (e.isFile()) yield join(dir, e.name);
  }
}

describe('the amd64 guest base', () => {
  it('holds only x86-64 ELF files (ELFCLASS64, little-endian, EM_X86_64 62)', async () => {
    const elves: string[] = [];
    for await (const f of files(root)) {
      const h = await elfHeader(f);
      if (!h) continue;
      expect({ file: relative(root, f), ...h }).toEqual({ file: relative(root, f), class: 2, data: 1, machine: 62 });
      elves.push(relative(root, f));
    }
    expect(elves).toEqual(expect.arrayContaining(['usr/bin/busybox', 'usr/bin/crun', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'usr/lib/x86_64-linux-gnu/libseccomp.so.2.6.0']));
  });

  it('has a static busybox and a crun whose loader and libraries are in the guest', async () => {
    expect((await elfDeps(join(root, 'usr/bin/busybox'), 'busybox'))?.interp).toBeUndefined();
    const crun = await elfDeps(join(root, 'usr/bin/crun'), 'crun');
    expect(crun?.interp).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(await readlink(join(root, 'lib64'))).toBe('usr/lib64');
    // the guest's links are relative, so they resolve inside the extracted root
    expect((await stat(join(root, crun!.interp!))).isFile()).toBe(true);
    expect(crun!.needed).toEqual(expect.arrayContaining(['libseccomp.so.2', 'libcap.so.2', 'libsystemd.so.0', 'libyajl.so.2']));
    // and theirs, one level down (libsystemd needs libcap)
    const needed = new Set(crun!.needed);
    for (const lib of crun!.needed) for (const dep of (await elfDeps(join(root, 'usr/lib/x86_64-linux-gnu', lib), lib))!.needed) needed.add(dep);
    for (const lib of needed) expect((await stat(join(root, 'usr/lib/x86_64-linux-gnu', lib))).isFile()).toBe(true);
    expect((await readFile(join(root, 'etc/c2w/oci-runtime'), 'utf8'))).toBe('crun\n');
    expect(existsSync(join(root, 'usr/sbin/runc'))).toBe(false);
  });

  it('ships no emulator and no binfmt_misc line, and the same init', async () => {
    const all: string[] = [];
    for await (const f of files(root)) all.push(relative(root, f));
    expect(all.filter((f) => /qemu|riscv64|binfmt/.test(f))).toEqual([]);
    expect(all).toContain('usr/sbin/c2w-init');
  });
});
