import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { buildPack, type BuildResult } from '../../src/build-pack.js';
import { requirePrerequisite, workspaceRoot } from '@c2w/testing';
import { defaultCacheDir } from '../../src/options.js';
import { makeChannel, makeRootIso } from '../fixtures/boot.js';

// Boots the pack's kernel + firmware + guest.tar (our init) on qemu-system-riscv64 and on the
// machine (machine.wasm under Node) and runs a container. The pack comes from the shared cache
// (a cold cache builds the kernel first: up to 25 min).
jest.setTimeout(45 * 60_000);

let pack: BuildResult;
let work: string;
let iso: string;
const file = (n: string) => join(pack.out, n);

beforeAll(async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'emu-build-boot-')), 'pack');
  work = dirname(out);
  pack = await buildPack({ arch: 'riscv64', out, cache: defaultCacheDir(), offline: false });
  // The container root uses the guest's own riscv64 busybox.
  const extracted = await mkdtemp(join(tmpdir(), 'emu-build-bb-'));
  await execa('tar', ['-x', '-f', file('guest.tar'), '-C', extracted, 'usr/bin/busybox']);
  iso = await makeRootIso(file('guest.tar'), join(extracted, 'usr', 'bin', 'busybox'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

async function qemu(rootIso: string, channel: string, extra = '') {
  return execa('qemu-system-riscv64', [
    '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic', '-bios', file('fw_dynamic.bin'), '-kernel', file('Image'),
    '-drive', `file=${rootIso},format=raw,if=none,id=root,readonly=on`, '-device', 'virtio-blk-device,drive=root',
    '-drive', `file=${channel},format=raw,if=none,id=chan`, '-device', 'virtio-blk-device,drive=chan',
    '-append', `${pack.pack.boot.append}${extra}`,
  ], { reject: false, timeout: 600_000, stdin: 'ignore' });
}

const SCRIPT = 'echo CONTAINER-OK; id -u; hostname; echo $$; exit 7';

describe('the guest init on qemu-system-riscv64 (reference)', () => {
  it('runs the container and returns its exit status through sifive_test', async () => {
    const r = await qemu(iso, await makeChannel('riscv64', ['/bin/sh', '-c', SCRIPT]));
    expect(r.stdout).toMatch(/CONTAINER-OK\r?\n0\r?\nc2w\r?\n1(\r?\n|$)/);
    expect(r.stdout).not.toMatch(/c2w-init:/);
    expect(r.exitCode).toBe(7);
  });

  it('exits 0 through poweroff when the container succeeds', async () => {
    const r = await qemu(iso, await makeChannel('riscv64', ['/bin/true']));
    expect(r.exitCode).toBe(0);
  });

  it('traces its steps with c2w.debug=1', async () => {
    const r = await qemu(iso, await makeChannel('riscv64', ['/bin/true']), ' c2w.debug=1');
    expect(r.stdout).toMatch(/c2w-init: channel \/dev\/vdb/);
  });

  it('ends with docker\'s 127 when the runtime finds no such command, 126 when it cannot run it (ADR 0066)', async () => {
    const missing = await qemu(iso, await makeChannel('riscv64', ['/bin/no-such-program']));
    expect(missing.stdout).toMatch(/executable file `\/bin\/no-such-program` not found/);
    expect(missing.exitCode).toBe(127);
    const notRunnable = await qemu(iso, await makeChannel('riscv64', ['/etc']));
    expect(notRunnable.exitCode).toBe(126);
  });

  // A static x86-64 busybox as the container (the host's, when it has busybox-static): the init
  // registers qemu-x86_64 with binfmt_misc (flag F) and runc starts it under emulation.
  const hostBusybox = '/bin/busybox';
  const isStaticX86 = (() => { try { const h = readFileSync(hostBusybox).subarray(0, 20); return h.readUInt16LE(18) === 0x3e; } catch { return false; } })();
  (requirePrerequisite(`a static x86-64 ${hostBusybox} (Debian busybox-static)`, isStaticX86) ? it : it.skip)('runs an amd64 container through qemu-user and binfmt_misc', async () => {
    const amd64Iso = await makeRootIso(file('guest.tar'), hostBusybox);
    const r = await qemu(amd64Iso, await makeChannel('amd64', ['/bin/sh', '-c', 'echo FOREIGN-OK; uname -m; exit 3']));
    expect(r.stdout).toMatch(/FOREIGN-OK\r?\nx86_64/);
    expect(r.exitCode).toBe(3);
  });
});

describe('the guest init on the machine (machine.wasm under Node)', () => {
  it('boots the pack and runs the container with the same output and exit status', async () => {
    // the machine is a tool: run through its bin (never imported), on the pack's machine.wasm
    const machine = join(workspaceRoot, 'packages', 'machine', 'bin', 'c2w-machine-node.js');
    const r = await execa(process.execPath, [machine, '--bios', file('fw_dynamic.bin'), '--kernel', file('Image'),
      '--append', pack.pack.boot.append, '--drive', `${iso},ro`, '--drive', await makeChannel('riscv64', ['/bin/sh', '-c', SCRIPT])],
    { reject: false, timeout: 600_000, stdin: 'ignore', env: { C2W_MACHINE_WASM: file('machine.wasm') } });
    expect(r.stdout).toMatch(/CONTAINER-OK\r?\n0\r?\nc2w\r?\n1(\r?\n|$)/);
    expect(r.exitCode).toBe(7);
  });
});
