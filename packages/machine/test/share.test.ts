// virtio-9p: the guest (busybox on the ISO root) mounts a host directory shared with --share and
// lists, reads, writes, renames, removes and links files in it; the host checks the results.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES, artifacts, runMachine, type Artifacts } from './helpers.js';

const PROMPT = /# (\x1b\[6n)?$/;
const ISO_APPEND = 'console=ttyS0 root=/dev/vda rootfstype=iso9660 ro init=/init c2w.shell=1 quiet';
const MOUNT = 'mount -t 9p -o trans=virtio,version=9p2000.L';

let a: Artifacts;
let tmp: string;
beforeAll(() => {
  a = artifacts();
  tmp = mkdtempSync(join(tmpdir(), 'c2w-9p-'));
}, 3_600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Boots to the shell, types `script` (one line) and exits; resolves to the console output. */
async function shell(mode: string, shares: string[], script: string): Promise<{ out: string; code: number | null }> {
  let typed = false;
  const r = await runMachine(mode as never, ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`,
    ...shares.flatMap((s) => ['--share', s]), '--append', ISO_APPEND], {
    interact: (out) => {
      if (!typed && PROMPT.test(out) && /C2W-SHELL\r?\n/.test(out)) { typed = true; return `${script}; exit\n`; }
      return null;
    },
  });
  return { out: r.stdout.replace(/\r/g, ''), code: r.code };
}

describe.each(MODES)('virtio-9p (%s)', (mode) => {
  it('reports every file as owned by the share\'s uid and gid', async () => {
    const dir = join(tmp, `owner-${mode}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f'), 'x');
    const r = await shell(mode, [`${dir},tag=owned,uid=1000,gid=1001`], `${MOUNT} owned /mnt && stat -c 'owner=%u:%g' /mnt /mnt/f`);
    expect(r.out.match(/owner=\d+:\d+/g)).toEqual(['owner=1000:1001', 'owner=1000:1001']);
    expect(r.code).toBe(0);
  });

  it('mounts a host directory: list, read, write, mkdir, rename, remove, symlink, stat, truncate', async () => {
    const dir = join(tmp, `rw-${mode}`);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'hello.txt'), 'hello from the host\n');
    writeFileSync(join(dir, 'gone.txt'), 'remove me');
    writeFileSync(join(dir, 'sub', 'big.bin'), Buffer.alloc(300_000, 7));
    symlinkSync('/etc', join(dir, 'out')); // resolved by the guest: its own /etc
    const r = await shell(mode, [`${dir},tag=hostdir`], [
      `${MOUNT} hostdir /mnt && echo MOUNTED`,
      'ls /mnt | tr "\\n" " "; echo', 'cat /mnt/hello.txt',
      'echo "written by the guest" > /mnt/new.txt', 'mkdir -p /mnt/made/deeper',
      'echo moved > /mnt/tmp.txt', 'mv /mnt/tmp.txt /mnt/made/moved.txt', 'rm /mnt/gone.txt',
      'ln -s made/moved.txt /mnt/link', 'echo link=$(readlink /mnt/link) via=$(cat /mnt/link)',
      'echo size=$(stat -c %s /mnt/sub/big.bin) sum=$(cat /mnt/sub/big.bin | md5sum | cut -c1-8)',
      'echo 0123456789 > /mnt/trunc.txt', 'truncate -s 4 /mnt/trunc.txt',
      'cd /mnt/.. && echo up=$(pwd)', 'ls /mnt/../../ | grep -c linuxrc',
    ].join('; '));
    expect(r.out).toContain('MOUNTED');
    expect(r.out).toMatch(/gone\.txt hello\.txt out sub/);
    expect(r.out).toContain('hello from the host');
    expect(r.out).toContain('link=made/moved.txt via=moved');
    expect(r.out).toMatch(/size=300000 sum=[0-9a-f]{8}/);
    expect(r.out).toContain('up=/');
    expect(r.out).toContain('C2W-SHELL-EXIT 0');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('written by the guest\n');
    expect(statSync(join(dir, 'made', 'deeper')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 'made', 'moved.txt'), 'utf8')).toBe('moved\n');
    expect(existsSync(join(dir, 'gone.txt'))).toBe(false);
    expect(readlinkSync(join(dir, 'link'))).toBe('made/moved.txt');
    expect(readFileSync(join(dir, 'trunc.txt'), 'utf8')).toBe('0123');
  }, 180_000);

  it('refuses writes to a read-only share (EROFS) and leaves the host directory unchanged', async () => {
    const dir = join(tmp, `ro-${mode}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keep.txt'), 'keep');
    const r = await shell(mode, [`${dir},tag=ro0,ro`], [
      `${MOUNT} ro0 /mnt && cat /mnt/keep.txt && echo`,
      '(echo x > /mnt/new.txt) 2>&1', 'rm /mnt/keep.txt 2>&1', 'mkdir /mnt/d 2>&1', 'echo y >> /mnt/keep.txt 2>&1; echo done',
    ].join('; '));
    expect(r.out).toContain('keep');
    expect(r.out).toMatch(/Read-only file system/);
    expect(r.out).toContain('done');
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(dir, 'new.txt'))).toBe(false);
    expect(existsSync(join(dir, 'd'))).toBe(false);
  }, 180_000);

  it('takes shares from the JSON config ("shares": strings or objects)', async () => {
    const dir = join(tmp, `cfg-${mode}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'c.txt'), 'via-config');
    const cfg = join(tmp, `cfg-${mode}.json`);
    writeFileSync(cfg, JSON.stringify({ bios: a.C2W_FW, kernel: a.C2W_KERNEL, drives: [{ path: a.C2W_ROOT_ISO, readonly: true }],
      append: ISO_APPEND, shares: [`${dir},tag=s0`, { path: dir, tag: 's1', readonly: true }] }));
    let typed = false;
    const r = await runMachine(mode, ['--config', cfg], {
      interact: (out) => {
        if (!typed && PROMPT.test(out) && /C2W-SHELL\r?\n/.test(out)) {
          typed = true;
          return `${MOUNT} s0 /mnt && ${MOUNT} s1 /tmp && echo got=$(cat /mnt/c.txt)-$(cat /tmp/c.txt); (echo x > /tmp/y) 2>&1; exit\n`;
        }
        return null;
      },
    });
    expect(r.stdout).toContain('got=via-config-via-config');
    expect(r.stdout).toMatch(/Read-only file system/);
    expect(r.code).toBe(0);
  }, 180_000);

  it('names a missing shared directory (exit 1) and a share without a tag (exit 2)', async () => {
    const missing = await runMachine(mode, ['--bios', a.C2W_FW, '--share', `${join(tmp, 'nope')},tag=x`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope');
    const bad = await runMachine(mode, ['--bios', a.C2W_FW, '--share', tmp]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tag=');
  });
});
