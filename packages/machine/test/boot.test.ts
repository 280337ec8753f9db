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
// Boot messages are compared with QEMU's both ways, line by line and with their counts (timestamps
// are stripped by consoleLines). These are the only differences allowed, each for a reason. A line
// matching `re` is compared as `as` on both sides, so it must still be there, once per QEMU line;
// `qemuOnly` lines may be missing from ours but never appear in ours unexplained.
const DIFFERENCES: { re: RegExp; as?: string; qemuOnly?: true }[] = [
  // QEMU's CPU has H, Sstc, Zihintpause, 16 PMU counters, priv spec 1.12, Sv57 and 16-bit ASIDs;
  // ours is RV64IMAFDC, priv 1.11, Sv39, no ASIDs (docs/decisions/0003-machine-design.md).
  { re: /^Boot HART (Priv Version|Base ISA|ISA Extensions|MHPM Count|MIDELEG|MEDELEG) *: .*$/, as: 'Boot HART $1: <cpu>' },
  { re: /^riscv: base ISA extensions [a-z]+$/, as: 'riscv: base ISA extensions <cpu>' },
  { re: /^cpu: isa\t\t: \S+ mmu\t\t: sv\d+ $/, as: 'cpu: <cpu>' },
  { re: /^ASID allocator (using \d+ bits \(\d+ entries\)|disabled \(0 bits\))$/, as: 'ASID allocator <cpu>' },
  { re: /^riscv-timer: Timer interrupt in S-mode is available via sstc extension$/, qemuOnly: true },
  // Memory reserved at boot depends on the board (QEMU's device tree has ~30 nodes incl. flash, PCI,
  // RTC and fw-cfg, and Linux unflattens it into reserved memory; its MMU has Sv57 page tables):
  // QEMU reserves 24 KiB more. The total and the kernel's own sizes must still match.
  { re: /^Memory: \d+K\/(\d+K) available \((.*), \d+K reserved, (.*)\)$/, as: 'Memory: <free>/$1 available ($2, <reserved>, $3)' },
  // the initramfs tmpfs is sized from the memory left free (above)
  { re: /^root: rootfs \/ rootfs rw,size=\d+k,nr_inodes=\d+ 0 0$/, as: 'root: rootfs / rootfs rw,size=<free>' },
  // /proc/uptime: elapsed and idle seconds, timing
  { re: /^uptime: \d+\.\d+ \d+\.\d+$/, as: 'uptime: <seconds>' },
  // tools/riscv64/boot-qemu.sh's own lines in its log
  { re: /^(RESULT |\+ |\[boot-qemu\])/, qemuOnly: true },
];

let a: Artifacts;
let tmp: string;
beforeAll(() => {
  a = artifacts();
  tmp = mkdtempSync(join(tmpdir(), 'c2w-machine-'));
}, 3_600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const unameOf = (text: string): string | undefined => consoleLines(text).find((l) => l.startsWith('Linux (none)'));

/** Each line as compared: known differences rewritten, QEMU-only lines dropped from QEMU's side. */
function comparable(lines: string[], side: 'ours' | 'qemu'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const d = DIFFERENCES.find((x) => x.re.test(line));
    if (d?.qemuOnly && side === 'qemu') continue;
    const key = d?.as !== undefined ? line.replace(d.re, d.as) : line;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Lines (with how many times) that `a` has more often than `b`. */
function surplus(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a].filter(([l, n]) => n > (b.get(l) ?? 0)).map(([l, n]) => `${l}  (${n}x, other ${b.get(l) ?? 0}x)`);
}

function expectSameBootMessages(ours: string, qemu: string): void {
  const [mine, theirs] = [comparable(consoleLines(ours), 'ours'), comparable(consoleLines(qemu), 'qemu')];
  // both directions: nothing of QEMU's missing, and no extra warning, oops or message of ours
  expect({ missingFromOurs: surplus(theirs, mine), extraInOurs: surplus(mine, theirs) }).toEqual({ missingFromOurs: [], extraInOurs: [] });
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

  // docs/decisions/0057: a volatile drive offers no FLUSH, so the guest sends none (it sees a
  // write-through cache); a plain writable drive keeps it
  it('offers FLUSH on a writable drive but not on a volatile one', async () => {
    const kept = join(tmp, `kept-${mode}.img`), scratch = join(tmp, `scratch-${mode}.img`);
    for (const f of [kept, scratch]) writeFileSync(f, Buffer.alloc(1 << 20));
    let step = 0;
    const r = await runMachine(mode, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`,
      '--drive', kept, '--drive', `${scratch},volatile`, '--append', `${ISO_APPEND} c2w.shell=1`], {
      interact: (out) => {
        if (step === 0 && atPrompt(out, /C2W-SHELL\r?\n/)) {
          step = 1;
          return 'echo vdb=$(cat /sys/block/vdb/queue/write_cache) vdc=$(cat /sys/block/vdc/queue/write_cache); exit\n';
        }
        return null;
      },
    });
    expect(r.stdout).toContain('vdb=write back vdc=write through');
    expect(r.code).toBe(0);
  }, 180_000);
});

// The JIT tier (docs/decisions/0040) on the same boots: the same messages as QEMU's, with part of
// the boot run by translated blocks.
describe('boot (wasm, --jit)', () => {
  it.each([
    ['an initramfs', (): string[] => ['--initrd', a.C2W_INITRD, '--append', INITRD_APPEND], 'initrd'],
    ['an ISO 9660 root on virtio-blk', (): string[] => ['--drive', `${a.C2W_ROOT_ISO},ro`, '--append', ISO_APPEND], 'iso'],
  ] as const)('boots from %s like QEMU', async (_, args, log) => {
    const r = await runMachine('wasm', ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, ...args(), '--jit', '--stats']);
    expect(r.stdout).toContain('BOOT-OK');
    expect(r.code).toBe(0);
    const q = qemuLog(a, log);
    expect(unameOf(r.stdout)).toBe(unameOf(q));
    expectSameBootMessages(r.stdout, q);
    expect(Number(/c2w-machine: jit: (\d+) instructions in translations/.exec(r.stderr)?.[1])).toBeGreaterThan(1_000_000);
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

  // One line, naming the file and where in it, exit 1 (README "CLI contract"); the same
  // positions natively and from the Node host (native/config.c, src/json-error.ts).
  it.each([
    ['a missing comma', '{\n  "memory": "128M",\n  "kernel": "Image"\n  "initrd": "x"\n}\n', "line 4 column 3: expected ',' or '}'"],
    ['a truncated file', '{\n  "bios": "fw.bin",\n', 'line 3 column 1: unexpected end of file'],
    ['data after the object', '{"icount": true} x\n', 'line 1 column 18: unexpected data after the JSON value'],
    ['a bad \\u escape', '{"append": "a\\u12"}', 'line 1 column 18: bad \\u escape in string'],
    ['a raw newline in a string', '{"append": "a\nb"}', 'line 1 column 14: control character in string (escape it)'],
    ['not JSON at all', 'memory: 256M\n', /^line 1 column 1: expected a JSON (object|value)$/],
  ])('rejects a config file with %s: one line with file, line and column, exit 1', async (name, text, where) => {
    const cfg = join(tmp, `bad-${mode}-${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(cfg, text);
    const r = await runMachine(mode, ['--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(2); // one line and its newline
    const prefix = `c2w-machine: config '${cfg}' `;
    expect(lines[0]!.slice(0, prefix.length)).toBe(prefix);
    expect(lines[0]!.slice(prefix.length)).toEqual(typeof where === 'string' ? where : expect.stringMatching(where));
  });

  it('names a config file that does not exist', async () => {
    const cfg = join(tmp, 'no-such-config.json');
    const r = await runMachine(mode, ['--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`c2w-machine: cannot open config '${cfg}': No such file or directory\n`);
  });

  it('names a file that the config file refers to and that does not exist', async () => {
    const cfg = join(tmp, `missing-${mode}.json`);
    for (const [key, what, value] of [
      ['kernel', 'kernel', join(tmp, 'no-such-Image-from-config')],
      ['initrd', 'initrd', join(tmp, 'no-such-initrd-from-config')],
      ['drives', 'drive', [{ path: join(tmp, 'no-such-disk-from-config.img'), readonly: true }]],
    ] as const) {
      writeFileSync(cfg, JSON.stringify({ bios: a.C2W_FW, kernel: a.C2W_KERNEL, [key]: value }));
      const r = await runMachine(mode, ['--config', cfg]);
      const file = typeof value === 'string' ? value : value[0].path;
      expect({ key, code: r.code, stderr: r.stderr }).toEqual({ key, code: 1, stderr: `c2w-machine: cannot open ${what} '${file}': No such file or directory\n` });
      expect(r.stdout).toBe('');
    }
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
