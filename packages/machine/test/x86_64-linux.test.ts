// Boots the c2w x86_64 kernel (tools/x86_64, ADR 0023) with a busybox initramfs on c2w-x86-bare,
// natively and as wasm under Node, to its /init, and compares the boot messages with
// qemu-system-x86_64 -M microvm on the same kernel, initramfs and command line (run here). The
// known differences are listed below and in test/fixtures/x86_64-linux/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareBootLogs, newcCpio, requirePrerequisite } from '@c2w/testing';
import { MODES, consoleLines, pkgDir, repoDir, type Mode } from './helpers.js';

const runner = join(pkgDir, 'build', 'native', 'c2w-x86-bare');
const wasmRunner = join(pkgDir, 'test', 'x86_64', 'run-wasm.mjs');
const APPEND = 'console=ttyS0 reboot=t panic=-1';
// the host's busybox-static (.ci/apt-packages.txt): on an x86-64 host it is the amd64 build
const BUSYBOX = '/bin/busybox';

/** The cached kernel (tools/x86_64/artifacts.sh --offline: .ci/setup builds it), C2W_X86_KERNEL's, or undefined. */
function cachedKernel(): string | undefined {
  if (process.env['C2W_X86_KERNEL']) return process.env['C2W_X86_KERNEL'];
  const r = spawnSync('bash', [join(repoDir, 'tools', 'x86_64', 'artifacts.sh'), '--offline'], { encoding: 'utf8' });
  return r.status === 0 ? /^C2W_X86_KERNEL (\S+)$/m.exec(r.stdout)?.[1] : undefined;
}
const isX86Elf = (f: string): boolean => {
  try {
    const h = readFileSync(f).subarray(0, 20);
    return h.readUInt32BE(0) === 0x7f454c46 && h.readUInt16LE(18) === 62;
  } catch { return false; }
};
const kernel = cachedKernel();
const ready = requirePrerequisite('the cached x86_64 kernel (tools/x86_64/artifacts.sh), an x86-64 /bin/busybox (busybox-static) and qemu-system-x86_64',
  kernel !== undefined && isX86Elf(BUSYBOX) && spawnSync('qemu-system-x86_64', ['--version']).status === 0);

// /init: what the kernel made of the CPU, a computation in the shell, then reboot -f, which
// reboot=t turns into a triple fault (QEMU -no-reboot exits 0, our board stops with status 4)
const INIT = `#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "C2W-INIT $(uname -m)"
grep -m1 '^bugs' /proc/cpuinfo
grep -m1 '^flags' /proc/cpuinfo
echo "meltdown: $(cat /sys/devices/system/cpu/vulnerabilities/meltdown)"
n=0; i=1; while [ $i -le 1000 ]; do n=$((n + i * i)); i=$((i + 1)); done
echo "SUM-SQUARES $n"
reboot -f
`;

// Compared both ways with their counts, like the RV64 boot (boot.test.ts): the known differences
// are @c2w/testing's X86_BOOT_DIFFERENCES (shared with emu-build's ISO boot on the main machine).

interface Run { status: number | null; stdout: string; stderr: string }
function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}
const ours = (mode: Mode, initrd: string): Promise<Run> => {
  const args = ['--mem', '256', '--append', APPEND, '--initrd', initrd, kernel as string];
  return mode === 'native' ? run(runner, args) : run(process.execPath, [wasmRunner, '--bare', ...args]);
};

let tmp: string;
let initrd: string;
let qemu: Run;
(ready ? describe : describe.skip)('Linux 6.1 on c2w-x86-bare', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'c2w-x86-linux-'));
    initrd = join(tmp, 'initramfs.cpio');
    writeFileSync(initrd, newcCpio([
      ...['bin', 'dev', 'proc', 'sys'].map((name) => ({ name, type: 'dir' as const })),
      { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
      { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
      ...['sh', 'mount', 'cat', 'grep', 'uname', 'reboot'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
      { name: 'init', type: 'file', mode: 0o755, body: INIT },
    ]));
    // tools/x86_64's reference board (packages/emu-build/test/fixtures/x86_64.ts): microvm without ACPI;
    // -icount shift=0 (1 ns per instruction, like our TSC) so its PIT calibration of the TSC does not
    // depend on the host's load (plain TCG sometimes fails it and falls back to jiffies)
    qemu = await run('qemu-system-x86_64', ['-M', 'microvm,acpi=off', '-m', '256M', '-smp', '1', '-nographic', '-no-reboot', '-icount', 'shift=0,sleep=off',
      '-kernel', kernel as string, '-append', APPEND, '-initrd', initrd]);
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('boots on qemu-system-x86_64 -M microvm to the same /init (the reference)', () => {
    expect(consoleLines(qemu.stdout)).toContain('C2W-INIT x86_64');
    expect(qemu.status).toBe(0);
  });

  describe.each(MODES)('(%s)', (mode) => {
    let r: Run;
    beforeAll(async () => { r = await ours(mode, initrd); }, 300_000);

    it('runs /init from the initramfs (the PVH module) and stops on its reboot (a triple fault, status 4)', () => {
      const lines = consoleLines(r.stdout);
      expect(lines).toContain('C2W-INIT x86_64');
      expect(lines).toContain(`SUM-SQUARES ${(1000 * 1001 * 2001) / 6}`);
      // the initramfs is where QEMU puts it: page aligned at the top of the 256 MiB
      expect(lines.filter((l) => l.startsWith('RAMDISK: '))).toEqual(consoleLines(qemu.stdout).filter((l) => l.startsWith('RAMDISK: ')));
      expect(r.stdout).not.toMatch(/Kernel panic|Oops|BUG:|WARNING:/);
      expect(r.stderr).toMatch(/^c2w-x86-bare: shutdown \(triple fault, or an exception outside long mode\) at rip 0x[0-9a-f]+ after \d+ instructions\n$/);
      expect(r.status).toBe(4);
    });

    it('is a CPU Linux finds not affected by Meltdown, MDS, SSB or L1TF (IA32_ARCH_CAPABILITIES), without mitigations=off', () => {
      const lines = consoleLines(r.stdout);
      expect(lines).toContain('bugs\t\t: spectre_v1 spectre_v2 swapgs');
      expect(lines).toContain('meltdown: Not affected');
      expect(lines.find((l) => l.startsWith('flags\t\t: '))).toMatch(/ arch_capabilities( |$)/);
    });

    it('prints the boot messages QEMU prints, but for the listed board and CPU differences', () => {
      expect(compareBootLogs(consoleLines(r.stdout), consoleLines(qemu.stdout))).toEqual({ missingFromOurs: [], extraInOurs: [] });
    });
  });
});
