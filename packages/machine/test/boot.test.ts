// Boots Debian's OpenSBI fw_dynamic and the c2w Linux 6.1 kernel (tools/riscv64) to the busybox
// shell, natively and as wasm under Node, from an initramfs and from an ISO 9660 root on
// virtio-blk, and compares with qemu-system-riscv64 on the same files.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES, artifacts, consoleLines, qemuLog, runMachine, type Artifacts } from './helpers.js';

// busybox ash prompt, followed by its cursor position query (ESC [ 6 n)
const PROMPT = /# (\x1b\[6n)?$/;
const atPrompt = (out: string, after: RegExp): boolean => PROMPT.test(out) && after.test(out);
const ISO_APPEND = 'console=ttyS0 earlycon root=/dev/vda rootfstype=iso9660 ro init=/init';
const INITRD_APPEND = 'console=ttyS0 earlycon';
// Lines that legitimately differ from QEMU: its CPU has H, Sstc, PMU counters, ASIDs, Sv57.
const EXPECTED_DIFFERENCES = [
  /^Boot HART (Priv Version|Base ISA|ISA Extensions|MHPM Count|MIDELEG|MEDELEG)/,
  /^riscv: base ISA extensions/, /^Memory: /, /sstc/, /^ASID allocator/, /^uptime: /, /^cpu: isa/,
  /^root: rootfs \/ rootfs rw,size=/, // tmpfs size follows the memory left free
  /^RESULT /, /^\+ /, /^\[boot-qemu\]/,
];

let a: Artifacts;
let tmp: string;
beforeAll(() => {
  a = artifacts();
  tmp = mkdtempSync(join(tmpdir(), 'c2w-machine-'));
}, 3_600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const unameOf = (text: string): string | undefined => consoleLines(text).find((l) => l.startsWith('Linux (none)'));

function expectSameBootMessages(ours: string, qemu: string): void {
  const mine = new Set(consoleLines(ours));
  const missing = consoleLines(qemu)
    .filter((l) => !mine.has(l))
    .filter((l) => !EXPECTED_DIFFERENCES.some((re) => re.test(l)));
  expect(missing).toEqual([]);
}

describe.each(MODES)('boot (%s)', (mode) => {
  it('OpenSBI fw_dynamic prints its banner', async () => {
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--max-insns', '30000000']);
    expect(r.stdout).toContain('OpenSBI v');
    expect(r.stdout).toContain('Platform Name             : riscv-virtio,qemu');
    expect(r.code).toBe(3);
  });

  it('boots the kernel with an initramfs to the busybox init and powers off with status 0', async () => {
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--initrd', a.C2W_INITRD, '--append', INITRD_APPEND]);
    expect(r.stdout).toContain('BOOT-OK');
    expect(r.stdout).toContain('reboot: Power down');
    expect(r.code).toBe(0);
    const q = qemuLog(a, 'initrd');
    expect(unameOf(r.stdout)).toBeDefined();
    expect(unameOf(r.stdout)).toBe(unameOf(q));
    expectSameBootMessages(r.stdout, q);
  }, 180_000);

  it('boots from an ISO 9660 root on virtio-blk', async () => {
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`, '--append', ISO_APPEND]);
    expect(r.stdout).toContain('BOOT-OK');
    expect(r.stdout).toMatch(/root: \/dev\/root \/ iso9660 ro/);
    expect(r.code).toBe(0);
    const q = qemuLog(a, 'iso');
    expect(unameOf(r.stdout)).toBe(unameOf(q));
    expectSameBootMessages(r.stdout, q);
  }, 180_000);

  it('takes stdin typed into the guest shell', async () => {
    let step = 0;
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`,
      '--append', `${ISO_APPEND} c2w.shell=1`], {
      interact: (out) => {
        if (step === 0 && atPrompt(out, /C2W-SHELL\r?\n/)) { step = 1; return 'echo typed-$((6*7))\n'; }
        if (step === 1 && atPrompt(out, /typed-42\r?\n/)) { step = 2; return 'exit 7\n'; }
        return null;
      },
    });
    expect(r.stdout).toMatch(/typed-42/);
    expect(r.stdout).toContain('C2W-SHELL-EXIT 7');
    expect(r.code).toBe(0);
  }, 180_000);

  it('reboots on 0x7777 (reboot -f) and boots again', async () => {
    let step = 0;
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`,
      '--append', `${ISO_APPEND} c2w.shell=1`], {
      interact: (out) => {
        if (step === 0 && atPrompt(out, /C2W-SHELL\r?\n/)) { step = 1; return 'reboot -f\n'; }
        if (step === 1 && atPrompt(out, /Restarting system[\s\S]*C2W-SHELL\r?\n/)) { step = 2; return 'exit\n'; }
        return null;
      },
    });
    expect(r.stdout.split('OpenSBI v').length - 1).toBe(2);
    expect(r.stdout).toContain('C2W-SHELL-EXIT 0');
    expect(r.code).toBe(0);
  }, 180_000);

  it('uses a virtio-console for stdin and stdout (console=hvc1)', async () => {
    let step = 0;
    const r = await runMachine(mode, ['--virtio-console', '--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL,
      '--drive', `${a.C2W_ROOT_ISO},ro`, '--append', 'console=hvc1 root=/dev/vda rootfstype=iso9660 ro init=/init c2w.shell=1'], {
      interact: (out) => {
        if (step === 0 && atPrompt(out, /C2W-SHELL\r?\n/)) { step = 1; return 'echo via-hvc-$((2+3)); exit\n'; }
        return null;
      },
    });
    expect(r.stdout).toContain('via-hvc-5');
    expect(r.code).toBe(0);
  }, 180_000);

  it('reads and writes a sparse 4 GiB virtio-blk image with a 256 MiB guest', async () => {
    const img = join(tmp, `big-${mode}.img`);
    const fd = openSync(img, 'w');
    ftruncateSync(fd, 4 * 1024 ** 3);
    closeSync(fd);
    const sector = 8388000; // near the end of the image
    let step = 0;
    const r = await runMachine(mode, ['-m', '256M', '--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL,
      '--drive', `${a.C2W_ROOT_ISO},ro`, '--drive', img, '--append', `${ISO_APPEND} c2w.shell=1`], {
      interact: (out) => {
        if (step === 0 && atPrompt(out, /C2W-SHELL\r?\n/)) {
          step = 1;
          return `echo size=$(cat /sys/block/vdb/size); printf c2w-mark-123 | dd of=/dev/vdb bs=512 seek=${sector} conv=notrunc,fsync 2>/dev/null; ` +
            `echo back=$(dd if=/dev/vdb bs=512 skip=${sector} count=1 2>/dev/null | head -c 12); exit\n`;
        }
        return null;
      },
    });
    expect(r.stdout).toContain('size=8388608');
    expect(r.stdout).toContain('back=c2w-mark-123');
    expect(r.code).toBe(0);
    const buf = Buffer.alloc(12);
    const f = openSync(img, 'r');
    readSync(f, buf, 0, 12, sector * 512);
    closeSync(f);
    expect(buf.toString()).toBe('c2w-mark-123');
  }, 180_000);
});

describe.each(MODES)('command line and config errors (%s)', (mode) => {
  it('names a missing file and exits 1', async () => {
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', join(tmp, 'no-such-Image')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no-such-Image');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runMachine(mode, ['--bios', a.C2W_FW, '--frobnicate'])).code).toBe(2);
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--memory', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lots');
    expect((await runMachine(mode, [])).code).toBe(2);
  });

  it('reads the configuration from a JSON file', async () => {
    const cfg = join(tmp, `cfg-${mode}.json`);
    writeFileSync(cfg, JSON.stringify({ memory: '128M', bios: a.C2W_FW, kernel: a.C2W_KERNEL, initrd: a.C2W_INITRD, append: INITRD_APPEND }));
    const r = await runMachine(mode, ['--config', cfg]);
    expect(r.stdout).toContain('BOOT-OK');
    expect(r.stdout).toMatch(/Memory: \d+K\/129024K available/);
    expect(r.code).toBe(0);
    writeFileSync(cfg, '{"bios": 5}');
    const bad = await runMachine(mode, ['--config', cfg]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(cfg);
  }, 180_000);
});
