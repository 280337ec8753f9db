import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { compareBootLogs, requirePrerequisite, workspaceRoot, X86_BOOT_DIFFERENCES } from '@c2w/testing';
import { KERNEL_APPEND } from '../../src/build-pack.js';
import { makeChannel, makeRootIso } from '../fixtures/boot.js';
import { amd64Guest } from '../fixtures/x86_64.js';

// The x86_64 board of the main machine (c2w-machine --arch x86_64, packages/machine ADR 0027) boots
// the x86_64 kernel with root=/dev/vda on an ISO made as `c2w convert` makes it (the amd64 guest
// base + an amd64 busybox container root), and c2w-init runs the container with crun from the run
// channel: natively and as wasm under Node, with the boot messages compared with
// qemu-system-x86_64 -M microvm booting the same kernel, ISO and channel.
jest.setTimeout(30 * 60_000);

const machineDir = join(workspaceRoot, 'packages', 'machine');
const native = join(machineDir, 'build', 'native', 'c2w-machine');
const nodeBin = join(machineDir, 'bin', 'c2w-machine-node.js');
// the host's busybox-static (.ci/apt-packages.txt): on an x86-64 host it is the amd64 build
const BUSYBOX = '/bin/busybox';

/** The cached kernel (tools/x86_64/artifacts.sh --offline: .ci/setup builds it; never built here), or C2W_X86_KERNEL's. */
function cachedKernel(): string | undefined {
  if (process.env['C2W_X86_KERNEL']) return process.env['C2W_X86_KERNEL'];
  const r = spawnSync('bash', [join(workspaceRoot, 'tools', 'x86_64', 'artifacts.sh'), '--offline'], { encoding: 'utf8' });
  return r.status === 0 ? /^C2W_X86_KERNEL (\S+)$/m.exec(r.stdout)?.[1] : undefined;
}
const isX86Elf = (f: string): boolean => {
  try { return readFileSync(f).subarray(0, 20).readUInt16LE(18) === 62; } catch { return false; }
};
const kernel = cachedKernel();
const ready = requirePrerequisite('the cached x86_64 kernel (tools/x86_64/artifacts.sh), an x86-64 /bin/busybox (busybox-static), qemu-system-x86_64 and the machine build',
  kernel !== undefined && isX86Elf(BUSYBOX) && spawnSync('qemu-system-x86_64', ['--version']).status === 0 && spawnSync(native, ['--help']).status === 0);

// the pack's command line without loglevel=1, so the kernel's messages can be compared
const APPEND = KERNEL_APPEND.replace(/ loglevel=1$/, '');
const SCRIPT = 'echo CONTAINER-OK; uname -m; id -u; exit 7';
// Before the shared list (the first match counts). QEMU's microvm has no finisher: c2w-init says so
// and powers off, which halts (no ACPI). The switch to the tsc clocksource is ours at once (a
// known-frequency TSC) and QEMU's too once its watchdog has checked the TSC, which this longer
// boot gives it time for, or not: compared on neither side.
const ISO_BOOT: typeof X86_BOOT_DIFFERENCES = [
  { re: /^clocksource: (tsc: mask: .*|Switched to clocksource tsc)$/, board: true },
  { re: /^c2w-init: cannot report exit status \d+ \(no \/dev\/mem\)$/, qemuOnly: true },
  { re: /^reboot: System halted$/, qemuOnly: true },
  // our CPU's RDRAND seeds the pool at boot (random.trust_cpu=on); QEMU's qemu64 has none, and its
  // jitter entropy is not done before the container ends
  { re: /^random: crng init done$/, oursOnly: true },
];
const lines = (text: string) => text.split('\n').map((l) => l.replace(/\r/g, '').replace(/^\[ *\d+\.\d+\] /, '')).filter((l) => l.length > 0);

let iso: string;
let channel: string;
let qemu: { stdout: string };
const cleanup: string[] = [];

(ready ? describe : describe.skip)('c2w-init on the x86_64 board', () => {
  beforeAll(async () => {
    const guest = await amd64Guest();
    cleanup.push(dirname(guest.guestTar));
    iso = await makeRootIso(guest.guestTar, BUSYBOX);
    channel = await makeChannel('amd64', ['/bin/sh', '-c', SCRIPT]);
    cleanup.push(dirname(iso), dirname(channel));
    // random.trust_cpu=on first, as our board puts it (microvm.c; QEMU's qemu64 has no RDRAND to trust)
    // -icount shift=0: 1 ns per instruction like our TSC, so QEMU's PIT calibration does not
    // depend on the host's load (packages/machine/test/x86_64-linux.test.ts)
    const q = execa('qemu-system-x86_64', ['-M', 'microvm,acpi=off', '-m', '256M', '-smp', '1', '-nographic', '-no-reboot',
      '-icount', 'shift=0,sleep=off', '-kernel', kernel as string, '-append', `random.trust_cpu=on ${APPEND}`,
      '-drive', `file=${iso},format=raw,if=none,id=root,readonly=on`, '-device', 'virtio-blk-device,drive=root',
      '-drive', `file=${channel},format=raw,if=none,id=chan,readonly=on`, '-device', 'virtio-blk-device,drive=chan',
    ], { reject: false, timeout: 600_000, stdin: 'ignore' });
    let out = '';
    q.stdout?.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (/reboot: System halted/.test(out)) q.kill();
    });
    await q;
    qemu = { stdout: out };
  });
  afterAll(() => Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true }))));

  it('runs on qemu-system-x86_64 -M microvm (the reference), which has no finisher', () => {
    expect(lines(qemu.stdout)).toEqual(expect.arrayContaining(['CONTAINER-OK', 'x86_64', '0', 'c2w-init: cannot report exit status 7 (no /dev/mem)']));
  });

  describe.each(['native', 'wasm'] as const)('(%s)', (mode) => {
    const machine = (args: string[], input?: string) => {
      const all = ['--arch', 'x86_64', '--kernel', kernel as string, ...args];
      const opts = { reject: false, timeout: 600_000, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) };
      return mode === 'native' ? execa(native, all, opts) : execa(process.execPath, [nodeBin, ...all], opts);
    };

    it('boots the ISO root, runs the container with the OCI runtime (crun) and exits with its status through the finisher', async () => {
      const r = await machine(['--append', APPEND, '--drive', `${iso},ro`, '--drive', `${channel},ro`]);
      const ours = lines(r.stdout);
      expect(ours).toEqual(expect.arrayContaining(['CONTAINER-OK', 'x86_64', '0']));
      expect(ours).toContain(`Kernel command line: random.trust_cpu=on ${APPEND} virtio_mmio.device=512@0xfeb00e00:12 virtio_mmio.device=512@0xfeb00c00:11`);
      expect(r.stdout).not.toMatch(/Kernel panic|Oops|BUG:|WARNING:|c2w-init:/);
      expect(r.exitCode).toBe(7);
      // the same messages as QEMU, virtio-mmio slots and IRQs included, but for the listed differences
      expect(compareBootLogs(ours, lines(qemu.stdout), [...ISO_BOOT, ...X86_BOOT_DIFFERENCES])).toEqual({ missingFromOurs: [], extraInOurs: [] });
    });

    it('runs a container as c2w run does: quiet kernel, console gate, stdin from a pipe through the c2w.stdin port, exit 0', async () => {
      const stdinChannel = await makeChannel('amd64', ['/bin/sh', '-c', 'read a; echo "got $a"; cat; echo end'], 'port');
      cleanup.push(dirname(stdinChannel));
      const r = await machine(['--append', KERNEL_APPEND, '--drive', `${iso},ro`, '--drive', `${stdinChannel},ro`, '--console-gate', '--stdin-port'], 'one\ntwo\n');
      expect(r.stdout.replace(/\r/g, '')).toBe('got one\ntwo\nend'); // execa drops the final newline
      expect(r.exitCode).toBe(0);
    });
  });
});
