import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeTar, requirePrerequisite, runBin } from '@c2w/testing';
import type { KernelBuild } from '../../src/build/kernel.js';
import { newcCpio } from '../fixtures/newc-cpio.js';
import { amd64Guest, microvm, X86_APPEND, x86Kernel } from '../fixtures/x86_64.js';

const __fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

// The x86_64 kernel (tools/x86_64/build-kernel.sh, cached by .ci/setup) booted on QEMU's microvm
// board, the reference our x86_64 board follows: through the vmlinux PVH note, with the amd64
// guest base's own busybox and OCI runtime (crun, ADR 0042). crun wants a writable state directory even for --version: a tmpfs on /run. A cold kernel cache builds it first (~15 min on 2 cores).
jest.setTimeout(45 * 60_000);

const haveQemu = requirePrerequisite('qemu-system-x86_64 (Debian qemu-system-x86)', spawnSync('qemu-system-x86_64', ['--version']).status === 0);
const onQemu = haveQemu ? it : it.skip;
let kernel: KernelBuild;
let guest: { guestTar: string; root: string };
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'emu-build-x86-'));
  kernel = await x86Kernel();
  guest = await amd64Guest();
});

afterAll(() => rm(work, { recursive: true, force: true }));

/** A kernel message without its [seconds] stamp. */
const messages = (log: string) => log.split(/\r?\n/).map((l) => l.replace(/^\[ *\d+\.\d+\] /, ''));

describe('the x86_64 kernel', () => {
  it('is a stripped x86-64 vmlinux ELF with the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)', async () => {
    const head = (await readFile(kernel.image)).subarray(0, 20);
    expect([head.readUInt32BE(0), head[4], head.readUInt16LE(18)]).toEqual([0x7f454c46, 2, 62]);
    const notes = (await execa('readelf', ['-n', kernel.image], { env: { LC_ALL: 'C' } })).stdout;
    expect(notes).toMatch(/^\s+Xen\s+0x[0-9a-f]+\s+Unknown note type: \(0x00000012\)/m);
    expect((await execa('readelf', ['-S', kernel.image], { env: { LC_ALL: 'C' } })).stdout).not.toMatch(/\.symtab/);
  });
});

/** A /init for busybox sh: the test's lines, then a reboot that -no-reboot turns into QEMU's exit. */
const initScript = (body: string) => `#!/bin/sh\nmount -t proc proc /proc\n${body}\nreboot -f\n`;

describe('the x86_64 kernel on qemu-system-x86_64 -M microvm', () => {
  onQemu('boots to an initramfs init (the amd64 guest busybox) that prints and powers off', async () => {
    const cpio = join(work, 'initramfs.cpio');
    await writeFile(cpio, newcCpio([
      ...['bin', 'dev', 'proc', 'sys'].map((name) => ({ name, type: 'dir' as const })),
      { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
      { name: 'bin/busybox', type: 'file', body: await readFile(join(guest.root, 'usr/bin/busybox')), mode: 0o755 },
      ...['sh', 'mount', 'cat', 'uname', 'reboot'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
      { name: 'init', type: 'file', mode: 0o755, body: initScript('echo "INITRAMFS-OK $(uname -m) $(cat /proc/cmdline)"') },
    ]));
    const t0 = Date.now();
    const r = await microvm(kernel.image, X86_APPEND, ['-initrd', cpio]);
    const seconds = (Date.now() - t0) / 1000;
    const log = messages(r.stdout);
    expect(log).toContain(`INITRAMFS-OK x86_64 ${X86_APPEND}`);
    expect(log).toContain(`Command line: ${X86_APPEND}`);
    expect(log).toContainEqual(expect.stringMatching(/^Linux version 6\.1\.\d+ \(c2w@c2w\) /));
    expect(log).toContain('serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A');
    expect(r.stdout).not.toMatch(/Kernel panic|Oops|BUG:/);
    expect(r.exitCode).toBe(0);
    // the reference log for the comparison with our x86_64 board (C2W_UPDATE_FIXTURES=1 rewrites it)
    if (process.env['C2W_UPDATE_FIXTURES'] === '1') await writeFile(join(__fixtures, 'x86_64-microvm-initramfs.log'), r.stdout.replace(/\r\n/g, '\n'));
    process.stderr.write(`microvm initramfs boot: ${seconds.toFixed(2)} s wall (QEMU TCG)\n`);
  });

  onQemu('mounts the amd64 guest base as an ISO 9660 root on virtio-mmio blk and runs its crun natively', async () => {
    const iso = await rootIso(initScript('echo "ISO-ROOT $(cat /c2w-test/hello.txt) $(cat /etc/hostname)"\nmount -t tmpfs none /run; runtime=$(crun --version 2>&1 | head -n 1); echo "RUNTIME $runtime"\ngrep -o "virtio_mmio.device=[^ ]*" /proc/cmdline\necho "LINK $(readlink /usr/bin/sh) $(stat -c %a /c2w-test/init)"'));
    const r = await microvm(kernel.image, `${X86_APPEND} root=/dev/vda ro rootfstype=iso9660 init=/c2w-test/init`, [
      '-drive', `file=${iso},format=raw,if=none,id=root,readonly=on`, '-device', 'virtio-blk-device,drive=root',
    ]);
    const log = messages(r.stdout);
    expect(log).toContain('ISO-ROOT hello-from-iso c2w');
    expect(log).toContainEqual(expect.stringMatching(/^RUNTIME crun version 1\.\d+/));
    // QEMU's microvm appends the device it placed (the last of its 8 slots, IRQ 12, first); our
    // board will pass the same kind of entry
    expect(log).toContain('virtio_mmio.device=512@0xfeb00e00:12');
    expect(log).toContain(`Command line: ${X86_APPEND} root=/dev/vda ro rootfstype=iso9660 init=/c2w-test/init virtio_mmio.device=512@0xfeb00e00:12`);
    // symlinks and modes exist only through Rock Ridge
    expect(log).toContain('LINK busybox 755');
    expect(r.stdout).not.toMatch(/Kernel panic|Oops|BUG:/);
    expect(r.exitCode).toBe(0);
  });

  onQemu('mounts a host directory over 9p (virtio-9p-device)', async () => {
    const share = join(work, 'share');
    await mkdir(share, { recursive: true });
    await writeFile(join(share, 'from-host.txt'), 'hello-over-9p\n');
    const iso = await rootIso(initScript('mount -t 9p -o trans=virtio,version=9p2000.L host /mnt && echo "NINEP $(cat /mnt/from-host.txt)"'));
    const r = await microvm(kernel.image, `${X86_APPEND} root=/dev/vda ro rootfstype=iso9660 init=/c2w-test/init`, [
      '-drive', `file=${iso},format=raw,if=none,id=root,readonly=on`, '-device', 'virtio-blk-device,drive=root',
      '-fsdev', `local,id=host,path=${share},security_model=none,readonly=on`, '-device', 'virtio-9p-device,fsdev=host,mount_tag=host',
    ]);
    expect(messages(r.stdout)).toContain('NINEP hello-over-9p');
    expect(r.exitCode).toBe(0);
  });
});

/** The amd64 guest.tar as iso-pack writes it, with a test init and a file grafted at /c2w-test. */
async function rootIso(init: string): Promise<string> {
  const dir = await mkdtemp(join(work, 'iso-'));
  await writeFile(join(dir, 'test.tar'), await makeTar([
    { name: 'init', body: init, mode: 0o755 },
    { name: 'hello.txt', body: 'hello-from-iso\n' },
  ]));
  const iso = join(dir, 'root.iso');
  const r = await runBin('iso-pack', [guest.guestTar, `${join(dir, 'test.tar')}:/c2w-test`, '-V', 'C2WROOT', '-o', iso]);
  if (r.exitCode !== 0) throw new Error(`iso-pack failed (${r.exitCode}): ${r.stderr}`);
  return iso;
}
