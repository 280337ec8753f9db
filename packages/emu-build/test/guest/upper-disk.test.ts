import { jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { requirePrerequisite } from '@c2w/testing';
import { buildPack, type BuildResult } from '../../src/build-pack.js';
import { defaultCacheDir } from '../../src/options.js';
import { writeRunChannel } from '../../src/run-channel.js';
import { runtimeConfig } from '../../src/runtime-config.js';
import { makeRootIso } from '../fixtures/boot.js';

// c2w-init's writable layer (docs/decisions/0032) on the reference machine, with reference tools:
// qemu-system-riscv64 boots the pack with a disk made by Debian's mke2fs; debugfs and e2fsck read
// what the guest left on it. The same for commit mode's xattr records and tar of the merged root.
jest.setTimeout(45 * 60_000);

const UUID = '0123456789abcdef0123456789abcdef';
const uuidDashed = `${UUID.slice(0, 8)}-${UUID.slice(8, 12)}-${UUID.slice(12, 16)}-${UUID.slice(16, 20)}-${UUID.slice(20)}`;
const hasTools = spawnSync('mke2fs', ['-V']).status === 0 && spawnSync('debugfs', ['-V']).status === 0;
const maybe = requirePrerequisite('mke2fs, debugfs and e2fsck (Debian e2fsprogs)', hasTools) ? describe : describe.skip;

maybe('c2w-init: the writable layer on an ext4 disk (qemu-system-riscv64)', () => {
  let pack: BuildResult;
  let work: string;
  let iso: string;
  let disk: string;
  const file = (n: string) => join(pack.out, n);

  beforeAll(async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'emu-build-upper-')), 'pack');
    work = dirname(out);
    pack = await buildPack({ arch: 'riscv64', out, cache: defaultCacheDir(), offline: false });
    await execa('tar', ['-x', '-f', file('guest.tar'), '-C', work, 'usr/bin/busybox']);
    iso = await makeRootIso(file('guest.tar'), join(work, 'usr', 'bin', 'busybox'));
    disk = join(work, 'upper.ext4');
    execFileSync('mke2fs', ['-q', '-t', 'ext4', '-U', uuidDashed, disk, '64M']);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  async function channel(name: string, args: string[], commit = false): Promise<string> {
    const path = join(work, name);
    const ws = createWriteStream(path);
    await writeRunChannel({ schemaVersion: 1, arch: 'riscv64', time: 1700000000, upper: UUID, ...(commit ? { commit } : {}), config: runtimeConfig({ config: { Cmd: args } }) }, ws);
    await finished(ws);
    return path;
  }

  // the layer's disk before the channel: the channel search must pass over it (it is no tar)
  const qemu = (chan: string, extra: string[] = []) => execa('qemu-system-riscv64', [
    '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic', '-bios', file('fw_dynamic.bin'), '-kernel', file('Image'),
    '-drive', `file=${iso},format=raw,if=none,id=root,readonly=on`, '-device', 'virtio-blk-device,drive=root',
    '-drive', `file=${disk},format=raw,if=none,id=upper`, '-device', 'virtio-blk-device,drive=upper',
    '-drive', `file=${chan},format=raw,if=none,id=chan,readonly=on`, '-device', 'virtio-blk-device,drive=chan',
    ...extra, '-append', pack.pack.boot.append,
  ], { reject: false, timeout: 600_000, stdin: 'ignore' });

  it('puts the container\'s writes and deletions on the disk, and leaves it clean', async () => {
    const r = await qemu(await channel('write.tar', ['/bin/sh', '-c', 'echo persisted > /newfile && rm /etc/passwd && echo WROTE']));
    expect(r.stdout).toMatch(/WROTE/);
    expect(r.exitCode).toBe(0);
    expect(execFileSync('debugfs', ['-R', 'cat /upper/newfile', disk], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe('persisted\n');
    // overlayfs's whiteout: a character device 0:0 in the upper layer
    expect(execFileSync('debugfs', ['-R', 'stat /upper/etc/passwd', disk], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toMatch(/Type: character special[\s\S]*Device major\/minor number: 00:00/);
    expect(spawnSync('e2fsck', ['-fn', disk]).status).toBe(0);
  });

  it('sees the disk\'s files in the next boot, and in commit mode tars the merged root onto the marked disk', async () => {
    const again = await qemu(await channel('read.tar', ['/bin/sh', '-c', 'cat /newfile; ls /etc']));
    expect(again.stdout).toMatch(/persisted(\r?\n|$)/);
    expect(again.stdout).not.toMatch(/passwd/);
    const out = join(work, 'out.tar');
    const fh = await open(out, 'w');
    await fh.write(Buffer.from('c2w-commit-out'));
    await fh.truncate(32 * 2 ** 20);
    await fh.close();
    const c = await qemu(await channel('commit.tar', ['/bin/false'], true), ['-drive', `file=${out},format=raw,if=none,id=out`, '-device', 'virtio-blk-device,drive=out']);
    expect(c.exitCode).toBe(0);
    // c2w-xattrs' records first (the layout of guest-tools/c2w-xattrs.c), then the tar at a 512-byte boundary
    const head = await readFile(out);
    expect(head.subarray(0, 16).toString('latin1')).toBe('c2w-xattrs v1\n\0\0');
    const names0: string[] = [];
    let at = 16;
    for (let n = head.readUInt32LE(at + 4); n !== 0; n = head.readUInt32LE(at + 4)) {
      const [pl, nl, vl] = [head.readUInt32LE(at), n, head.readUInt32LE(at + 8)];
      names0.push(head.toString('latin1', at + 12 + pl, at + 12 + pl + nl));
      at += 12 + pl + nl + vl;
    }
    // overlayfs' own (the whiteout's, the opaque and impure markers) never reach the committed root
    expect(names0.filter((n) => n.startsWith('trusted.overlay.'))).toEqual([]);
    const tarAt = Math.ceil((at + 12) / 512) * 512;
    await writeFile(join(work, 'out-only.tar'), head.subarray(tarAt));
    const names = execFileSync('tar', ['-t', '-f', join(work, 'out-only.tar')], { encoding: 'utf8' }).split('\n');
    expect(names).toEqual(expect.arrayContaining(['./newfile', './bin/busybox', './etc/']));
    expect(names).not.toContain('./etc/passwd');
  });
});
