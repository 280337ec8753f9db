// The main machine's x86_64 board (--arch x86_64, docs/decisions/0027): its command line and
// config, and the shared devices on it: the cached x86_64 kernel with a busybox initramfs reads a
// virtio-blk disk, reads and writes a 9p share, sees its devices on the kernel command line and
// exits with a status through the finisher, natively and as wasm. The ISO root with c2w-init and
// runc is emu-build's test (test/guest/c2w-init-x86_64.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newcCpio, requirePrerequisite } from '@c2w/testing';
import { MODES, consoleLines, nativeBin, repoDir, runMachine } from './helpers.js';

const BUSYBOX = '/bin/busybox';
/** The cached kernel (tools/x86_64/artifacts.sh --offline), or C2W_X86_KERNEL's. */
function cachedKernel(): string | undefined {
  if (process.env['C2W_X86_KERNEL']) return process.env['C2W_X86_KERNEL'];
  const r = spawnSync('bash', [join(repoDir, 'tools', 'x86_64', 'artifacts.sh'), '--offline'], { encoding: 'utf8' });
  return r.status === 0 ? /^C2W_X86_KERNEL (\S+)$/m.exec(r.stdout)?.[1] : undefined;
}
const isX86Elf = (f: string): boolean => {
  try { return readFileSync(f).subarray(0, 20).readUInt16LE(18) === 62; } catch { return false; }
};

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'c2w-x86-machine-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(MODES)('--arch x86_64 command line (%s)', (mode) => {
  it.each([
    [['--arch', 'x86_64'], /^c2w-machine: no kernel given: --arch x86_64 needs --kernel FILE/],
    [['--arch', 'x86_64', '--kernel', 'k', '--bios', 'fw'], /^c2w-machine: --bios: the x86_64 board takes no firmware/],
    [['--arch', 'sparc', '--bios', 'fw'], /^c2w-machine: --arch: unknown arch 'sparc' \(expected riscv64 or x86_64\)/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await runMachine(mode, args);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  });

  it('names a missing kernel (exit 1)', async () => {
    const missing = join(tmp, 'no-such-vmlinux');
    const r = await runMachine(mode, ['--arch', 'x86_64', '--kernel', missing]);
    expect([r.code, r.stderr]).toEqual([1, `c2w-machine: cannot open kernel '${missing}': No such file or directory\n`]);
  });

  it('takes "arch" from the config file, and refuses an unknown one (exit 1)', async () => {
    const bad = join(tmp, `bad-${mode}.json`);
    writeFileSync(bad, '{"arch": "arm64", "bios": "fw"}');
    const r = await runMachine(mode, ['--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown arch/);
    const good = join(tmp, `good-${mode}.json`);
    writeFileSync(good, '{"arch": "x86_64"}');
    const g = await runMachine(mode, ['--config', good]);
    expect([g.code, g.stderr]).toEqual([2, expect.stringMatching(/--arch x86_64 needs --kernel/)]);
  });
});

const kernel = cachedKernel();
const ready = requirePrerequisite('the cached x86_64 kernel (tools/x86_64/artifacts.sh) and an x86-64 /bin/busybox (busybox-static)',
  kernel !== undefined && isX86Elf(BUSYBOX));

// /init: the devices the kernel found, the disk's first bytes, a 9p round trip, then the status
// through the finisher at 0xfeb80000 ((5 << 16) | 0x3333 = exit 5), as c2w-init does
const INIT = `#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
grep -o 'virtio_mmio.device=[^ ]*' /proc/cmdline
echo "DISK $(head -c 9 /dev/vda)"
mkdir -p /mnt && mount -t 9p -o trans=virtio,version=9p2000.L host /mnt
echo "NINEP $(cat /mnt/in.txt)"
echo written-by-guest > /mnt/out.txt
umount /mnt
devmem 0xfeb80000 32 $(( (5 << 16) | 0x3333 ))
echo "the finisher did not stop the machine"
`;

(ready ? describe : describe.skip)('the x86_64 board with the shared devices', () => {
  let initrd: string;
  beforeAll(() => {
    initrd = join(tmp, 'initramfs.cpio');
    writeFileSync(initrd, newcCpio([
      ...['bin', 'dev', 'proc', 'sys', 'mnt'].map((name) => ({ name, type: 'dir' as const })),
      { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
      { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
      ...['sh', 'mount', 'umount', 'mkdir', 'cat', 'grep', 'head', 'echo', 'devmem'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
      { name: 'init', type: 'file', mode: 0o755, body: INIT },
    ]));
    writeFileSync(join(tmp, 'disk.img'), Buffer.concat([Buffer.from('DISK-DATA'), Buffer.alloc(4096 - 9)]));
  });

  it.each(MODES)('stops after --max-insns N instructions (exit 3) (%s)', async (mode) => {
    const r = await runMachine(mode, ['--arch', 'x86_64', '--kernel', kernel as string, '--max-insns', '100000']);
    expect([r.code, r.stderr]).toEqual([3, 'c2w-machine: stopped after 100000 instructions (--max-insns)\n']);
  });

  it.each(MODES)('reads the disk and the share, writes the share, exits 5 through the finisher (%s)', async (mode) => {
    const share = join(tmp, `share-${mode}`);
    mkdirSync(share);
    writeFileSync(join(share, 'in.txt'), 'from-host\n');
    const r = await runMachine(mode, ['--arch', 'x86_64', '--kernel', kernel as string, '--initrd', initrd, '--append', 'console=ttyS0 panic=-1',
      '--drive', `${join(tmp, 'disk.img')},ro`, '--share', `${share},tag=host`], { timeoutMs: 300_000 });
    const lines = consoleLines(r.stdout);
    // the first device in the highest of QEMU microvm's slots, the next below it
    expect(lines).toEqual(expect.arrayContaining(['virtio_mmio.device=512@0xfeb00e00:12', 'virtio_mmio.device=512@0xfeb00c00:11',
      'DISK DISK-DATA', 'NINEP from-host']));
    expect(readFileSync(join(share, 'out.txt'), 'utf8')).toBe('written-by-guest\n');
    expect(r.stdout).not.toMatch(/Kernel panic|Oops|BUG:|finisher did not/);
    expect([r.code, r.stderr]).toEqual([5, '']);
  });

  // A guest `sleep 1` is an idle HLT until the LAPIC deadline: by default the machine waits it out
  // in host time (as riscv64 follows the host clock); with --icount it skips to the deadline.
  // Host seconds between the two lines around the sleep, read as the console prints them.
  const sleepInit = () => newcCpio([
    ...['bin', 'dev', 'proc'].map((name) => ({ name, type: 'dir' as const })),
    { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
    { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
    ...['sh', 'mount', 'sleep', 'echo', 'devmem'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
    { name: 'init', type: 'file', mode: 0o755, body: '#!/bin/sh\nmount -t devtmpfs dev /dev\necho TICK\nsleep 1\necho TOCK\ndevmem 0xfeb80000 32 0x5555\n' },
  ]);
  const secondsAsleep = (args: string[]): Promise<number> => new Promise((resolve, reject) => {
    const p = spawn(nativeBin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen: Record<string, number> = {};
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1').replace(/\r/g, ''); // the 8250 console ends lines with \r\n
      for (const mark of ['TICK', 'TOCK']) if (seen[mark] === undefined && out.includes(`${mark}\n`)) seen[mark] = performance.now();
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 && seen['TICK'] !== undefined && seen['TOCK'] !== undefined
      ? resolve((seen['TOCK'] - seen['TICK']) / 1000)
      : reject(new Error(`machine exited ${code}: ${out.slice(-400)}`))));
  });

  it('waits out a guest sleep in host time, and skips it with --icount (native)', async () => {
    const init = join(tmp, 'sleep.cpio');
    writeFileSync(init, sleepInit());
    const args = ['--arch', 'x86_64', '--kernel', kernel as string, '--initrd', init, '--append', 'console=ttyS0 panic=-1 quiet'];
    expect(await secondsAsleep(args)).toBeGreaterThanOrEqual(0.95);
    // with --icount the 1 s sleep costs only the instructions around it: well under a host second
    // on any host that boots Linux here at all (the boot alone is tens of millions of instructions)
    expect(await secondsAsleep([...args, '--icount'])).toBeLessThan(0.95);
  }, 300_000);
});
