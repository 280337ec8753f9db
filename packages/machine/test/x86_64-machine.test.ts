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
import { MODES, type Mode, consoleLines, nativeBin, nodeBin, repoDir, runMachine, x86Gcc } from './helpers.js';

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

  // Decoded code is dropped when a device writes its frame (ADR 0055): the guest program
  // (test/x86_64-guest/dma-smc.c) calls a function in an executable buffer, reads other code into
  // the buffer from the disk with O_DIRECT (virtio-blk writes the frame by DMA, no CPU store), and
  // calls it again, which must run the disk's code.
  it.each(MODES)('runs code that a virtio-blk read put where decoded code was (%s)', async (mode) => {
    const prog = join(tmp, 'dma-smc');
    const made = spawnSync(x86Gcc() as string, ['-O1', '-static', '-nostdlib', '-no-pie', '-fno-pie', '-fno-stack-protector', '-fcf-protection=none',
      '-fno-asynchronous-unwind-tables', '-ffreestanding', '-mno-red-zone', '-o', prog, join(repoDir, 'packages/machine/test/x86_64-guest/dma-smc.c')], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    const init = newcCpio([
      ...['bin', 'dev'].map((name) => ({ name, type: 'dir' as const })),
      { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
      { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
      ...['sh', 'mount', 'devmem'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
      { name: 'dma-smc', type: 'file', body: readFileSync(prog), mode: 0o755 },
      { name: 'init', type: 'file', mode: 0o755, body: '#!/bin/sh\nmount -t devtmpfs dev /dev\n/dma-smc\ndevmem 0xfeb80000 32 0x5555\n' },
    ]);
    const initrd = join(tmp, `dma-smc-${mode}.cpio`);
    writeFileSync(initrd, init);
    const disk = join(tmp, `dma-smc-${mode}.img`);
    // the second block: nop x4 ; mov $0x22222222, %eax ; ret
    const code = [0x90, 0x90, 0x90, 0x90, 0xb8, 0x22, 0x22, 0x22, 0x22, 0xc3];
    writeFileSync(disk, Buffer.concat([Buffer.alloc(4096), Buffer.from(code), Buffer.alloc(4096 - code.length)]));
    const r = await runMachine(mode, ['--arch', 'x86_64', '--kernel', kernel as string, '--initrd', initrd, '--append', 'console=ttyS0 panic=-1',
      '--drive', `${disk},ro`], { timeoutMs: 300_000 });
    expect(consoleLines(r.stdout)).toContain('DMA-SMC 11111111 22222222');
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  // Guest time is host time (ADR 0050): a guest `sleep 1` is an idle HLT until the LAPIC deadline,
  // slept out on the host, and the TSC follows the host clock while the guest computes too, so a
  // busy loop beside the sleep does not stretch it (it took 20 s and more when the TSC counted
  // instructions at the 1 GHz CPUID announces). The guest's clock starts from the RTC, which reads
  // the host's. With --icount the sleep skips to the deadline. /init's BUSY comes from the command
  // line (the kernel passes unknown NAME=VALUE words to init as its environment).
  const sleepInit = () => newcCpio([
    ...['bin', 'dev', 'proc'].map((name) => ({ name, type: 'dir' as const })),
    { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
    { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
    ...['sh', 'mount', 'sleep', 'echo', 'date', 'devmem'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
    { name: 'init', type: 'file', mode: 0o755, body: [
      '#!/bin/sh', 'mount -t devtmpfs dev /dev', '[ "$BUSY" = 1 ] && { while :; do :; done & }',
      'echo "DATE $(date +%s)"', 'echo TICK', 'sleep 1', 'echo TOCK', 'devmem 0xfeb80000 32 0x5555', ''].join('\n') },
  ]);
  /** Host seconds between the lines around the sleep, as the console prints them, and the guest's
   *  `date +%s` less the host's when it printed. */
  const sleepRun = (mode: Mode, args: string[]): Promise<{ asleep: number; skew: number }> => new Promise((resolve, reject) => {
    const [cmd, argv] = mode === 'native' ? [nativeBin, args] : [process.execPath, [nodeBin, ...args]];
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen: Record<string, number> = {};
    let out = '';
    let skew = NaN;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1').replace(/\r/g, ''); // the 8250 console ends lines with \r\n
      const date = /^DATE (\d+)\n/m.exec(out); // a whole line: output comes in any chunks
      if (date && Number.isNaN(skew)) skew = Number(date[1]) - Date.now() / 1000;
      for (const mark of ['TICK', 'TOCK']) if (seen[mark] === undefined && out.includes(`${mark}\n`)) seen[mark] = performance.now();
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 && seen['TICK'] !== undefined && seen['TOCK'] !== undefined
      ? resolve({ asleep: (seen['TOCK'] - seen['TICK']) / 1000, skew })
      : reject(new Error(`machine exited ${code}: ${out.slice(-400)}`))));
  });
  const sleepArgs = (append = ''): string[] => ['--arch', 'x86_64', '--kernel', kernel as string, '--initrd', join(tmp, 'sleep.cpio'),
    '--append', `console=ttyS0 panic=-1 quiet${append}`];

  it.each(MODES)('sleeps a guest second in a host second, idle or beside a busy loop, on the host\'s clock (%s)', async (mode) => {
    writeFileSync(join(tmp, 'sleep.cpio'), sleepInit());
    for (const busy of [false, true]) {
      const r = await sleepRun(mode, sleepArgs(busy ? ' BUSY=1' : ''));
      // the value itself on a failure
      const within = (v: number, lo: number, hi: number): number | string => (v >= lo && v <= hi ? `${lo}..${hi}` : v);
      // date +%s and the RTC count whole seconds: the guest may be up to ~1 s behind
      expect({ busy, asleep: within(r.asleep, 0.9, 2.5), skew: within(r.skew, -2, 2) }).toEqual({ busy, asleep: '0.9..2.5', skew: '-2..2' });
    }
  }, 300_000);

  it('skips a guest sleep with --icount (native)', async () => {
    writeFileSync(join(tmp, 'sleep.cpio'), sleepInit());
    // only the instructions around the 1 s sleep cost host time: well under a host second on any
    // host that boots Linux here at all (the boot alone is tens of millions of instructions)
    expect((await sleepRun('native', [...sleepArgs(), '--icount'])).asleep).toBeLessThan(0.95);
  }, 300_000);
});
