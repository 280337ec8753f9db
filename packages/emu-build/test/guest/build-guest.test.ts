import { mkdtemp, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTar } from '@c2w/testing';
import { buildGuestTar } from '../../src/guest/build-guest.js';
import { packageRoot } from '../../src/options.js';
import { fakeCrunDebs, fakeGuestDebs } from '../fixtures/guest-debs.js';
import { makeDeb } from '../fixtures/make-deb.js';

async function build(epoch = 1700000000) {
  const dir = await mkdtemp(join(tmpdir(), 'emu-build-guest-'));
  const out = join(dir, 'guest.tar');
  await buildGuestTar({ spec: { arch: 'riscv64', foreignArches: ['amd64'], ociRuntime: 'runc' }, debs: await fakeGuestDebs(), initScript: join(packageRoot, 'guest', 'c2w-init.sh'), sourceDateEpoch: epoch, scratch: join(dir, 'scratch') }, out);
  return readFile(out);
}

describe('buildGuestTar', () => {
  let entries: Awaited<ReturnType<typeof listTar>>;
  beforeAll(async () => { entries = await listTar(await build()); });
  const byName = (n: string) => entries.find((e) => e.name.replace(/\/$/, '') === n);

  it('installs the selected files and nothing else from the packages', () => {
    expect(byName('usr/sbin/runc')).toMatchObject({ type: 'file', mode: 0o755, body: 'RUNC' });
    expect(byName('usr/lib/riscv64-linux-gnu/libseccomp.so.2')).toMatchObject({ type: 'symlink', linkname: 'libseccomp.so.2.6.0' });
    expect(byName('usr/lib/ld-linux-riscv64-lp64d.so.1')).toMatchObject({ type: 'symlink' });
    expect(byName('usr/bin/qemu-x86_64')).toMatchObject({ body: 'QEMU-X86' });
    expect(byName('usr/bin/qemu-mips')).toBeUndefined();
    expect(entries.some((e) => e.name.includes('share/doc') || e.name.includes('gconv') || e.name.includes('man8'))).toBe(false);
  });

  it('adds busybox applet links, merged-/usr links, mount points, /etc and the init', () => {
    expect(byName('usr/bin/ls')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(byName('usr/sbin/devmem')).toMatchObject({ type: 'symlink', linkname: '../bin/busybox' });
    expect(byName('usr/bin/linuxrc')).toBeUndefined();
    expect(byName('bin')).toMatchObject({ type: 'symlink', linkname: 'usr/bin' });
    expect(byName('tmp')).toMatchObject({ type: 'directory', mode: 0o1777 });
    expect(byName('oci')).toMatchObject({ type: 'directory' });
    expect(byName('etc/passwd')?.body).toMatch(/^root:x:0:0:/);
    expect(byName('etc/c2w/binfmt/amd64')?.body).toMatch(/^:qemu-x86_64:M::\\x7f\\x45\\x4c\\x46.*:\/usr\/bin\/qemu-x86_64:PF\n$/);
    expect(byName('usr/sbin/c2w-init')).toMatchObject({ type: 'file', mode: 0o755 });
    // our own static helpers, for c2w commit and as emulated containers' PID 1 (test/guest/guest-tools.test.ts checks their machine)
    expect(byName('usr/sbin/c2w-xattrs')).toMatchObject({ type: 'file', mode: 0o755, body: expect.stringMatching(/^\x7fELF/) });
    expect(byName('usr/sbin/c2w-pid1')).toMatchObject({ type: 'file', mode: 0o755, body: expect.stringMatching(/^\x7fELF/) });
  });

  it('is sorted, root-owned and stamped with SOURCE_DATE_EPOCH', () => {
    const names = entries.map((e) => e.name.replace(/\/$/, ''));
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(entries.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 1700000000)).toBe(true);
  });

  it('refuses a guest whose programs need a library no package provides', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-guest-'));
    const debs = await fakeGuestDebs('amd64');
    // /bin/ls of the (amd64) host: an ELF that needs libraries (libselinux) the fake guest does not have.
    debs[1] = { pkg: { ...debs[1]!.pkg, version: '2' }, path: await makeDeb('runc', '2', [{ path: 'usr/sbin/runc', body: await readFile('/bin/ls'), mode: 0o755 }]) };
    await expect(buildGuestTar({ spec: { arch: 'amd64', foreignArches: [], ociRuntime: 'runc' }, debs: debs.slice(0, 5), initScript: join(packageRoot, 'guest', 'c2w-init.sh'), sourceDateEpoch: 0, scratch: join(dir, 's') }, join(dir, 'guest.tar')))
      .rejects.toThrow(/guest: usr\/sbin\/runc needs the interpreter|guest: usr\/sbin\/runc needs lib/);
  });

  it('refuses a program built for another machine than the guest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-guest-'));
    const debs = await fakeGuestDebs();
    debs[1] = { pkg: { ...debs[1]!.pkg, version: '2' }, path: await makeDeb('runc', '2', [{ path: 'usr/sbin/runc', body: await readFile('/bin/ls'), mode: 0o755 }]) };
    await expect(buildGuestTar({ spec: { arch: 'riscv64', foreignArches: ['amd64'], ociRuntime: 'runc' }, debs, initScript: join(packageRoot, 'guest', 'c2w-init.sh'), sourceDateEpoch: 0, scratch: join(dir, 's') }, join(dir, 'guest.tar')))
      .rejects.toThrow(/^guest: usr\/sbin\/runc is an ELF file for machine 62, expected 243 \(riscv64\)$/);
  });

  it('lays out an amd64 guest: x86_64 multiarch libraries, /lib64 for the loader, no emulators', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-guest-'));
    const out = join(dir, 'guest.tar');
    await buildGuestTar({ spec: { arch: 'amd64', foreignArches: [], ociRuntime: 'runc' }, debs: (await fakeGuestDebs('amd64')).slice(0, 5), initScript: join(packageRoot, 'guest', 'c2w-init.sh'), sourceDateEpoch: 0, scratch: join(dir, 's') }, out);
    const listed = await listTar(await readFile(out));
    const named = (n: string) => listed.find((e) => e.name.replace(/\/$/, '') === n);
    expect(named('lib64')).toMatchObject({ type: 'symlink', linkname: 'usr/lib64' });
    expect(named('usr/lib64/ld-linux-x86-64.so.2')).toMatchObject({ type: 'symlink', linkname: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' });
    expect(named('usr/lib/x86_64-linux-gnu/libc.so.6')).toMatchObject({ type: 'file', body: 'LIBC' });
    expect(listed.some((e) => e.name.includes('riscv64') || e.name.includes('qemu') || e.name.startsWith('etc/c2w/binfmt'))).toBe(false);
  });

  it('installs crun (the default runtime) with its libraries, and names it for the init', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-guest-'));
    const out = join(dir, 'guest.tar');
    const debs = (await fakeGuestDebs()).filter((d) => d.pkg.name !== 'runc');
    await buildGuestTar({ spec: { arch: 'riscv64', foreignArches: [] }, debs: [...debs, ...await fakeCrunDebs()], initScript: join(packageRoot, 'guest', 'c2w-init.sh'), sourceDateEpoch: 0, scratch: join(dir, 's') }, out);
    const listed = await listTar(await readFile(out));
    const named = (n: string) => listed.find((e) => e.name.replace(/\/$/, '') === n);
    expect(named('usr/bin/crun')).toMatchObject({ type: 'file', mode: 0o755, body: 'CRUN' });
    expect(named('usr/lib/riscv64-linux-gnu/libyajl.so.2')).toMatchObject({ type: 'symlink', linkname: 'libyajl.so.2.1.0' });
    expect(named('usr/lib/riscv64-linux-gnu/libsystemd.so.0.40.0')).toMatchObject({ body: 'SYSTEMD' });
    expect(named('usr/lib/riscv64-linux-gnu/libcap.so.2.75')).toMatchObject({ body: 'CAP' });
    expect(named('usr/sbin/runc')).toBeUndefined();
    expect(named('etc/c2w/oci-runtime')?.body).toBe('crun\n');
    expect(byName('etc/c2w/oci-runtime')?.body).toBe('runc\n');
  });

  it('gives identical bytes for identical inputs', async () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(await build())).toBe(sha(await build()));
    expect(sha(await build(1))).not.toBe(sha(await build()));
  });
});
