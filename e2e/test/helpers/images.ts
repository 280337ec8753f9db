import { execa } from 'execa';
import { cp, mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildGuestTool, buildXattrsTool } from '@c2w/emu-build';
import { makeTar, workspaceRoot } from '@c2w/testing';

/** The bundled riscv64 busybox example image (cached by the script in ~/.cache/c2w/example). */
export async function exampleImage(): Promise<string> {
  const r = await execa('bash', [join(workspaceRoot, 'tools/example/build-example-image.sh')]);
  return r.stdout.trim().split('\n').pop()!;
}

/** A riscv64 Debian trixie image with python3 (and numpy if asked), made with mmdebstrap (cached in ~/.cache/c2w). */
export async function pythonImage({ numpy = false } = {}): Promise<string> {
  const r = await execa('bash', [join(workspaceRoot, 'tools/riscv64/build-python-image.sh'), ...(numpy ? ['--numpy'] : [])]);
  return r.stdout.trim().split('\n').pop()!;
}

/** A copy of an OCI layout with `umoci config` flags applied to its `latest` tag. */
export async function derivedImage(base: string, dir: string, configFlags: string[]): Promise<string> {
  await cp(base, dir, { recursive: true });
  if (configFlags.length) await execa('umoci', ['config', '--image', `${dir}:latest`, ...configFlags]);
  return dir;
}

/** An amd64 image made from the host's busybox-static (for the qemu-user path). */
export async function amd64Image(dir: string): Promise<string> {
  const work = `${dir}.work`;
  await execa('umoci', ['init', '--layout', dir]);
  await execa('umoci', ['new', '--image', `${dir}:latest`]);
  await execa('umoci', ['unpack', '--image', `${dir}:latest`, work]);
  await mkdir(join(work, 'rootfs/bin'), { recursive: true });
  await cp('/bin/busybox', join(work, 'rootfs/bin/busybox'));
  for (const a of ['sh', 'uname', 'echo']) await execa('ln', ['-s', 'busybox', join(work, 'rootfs/bin', a)]);
  await execa('umoci', ['repack', '--image', `${dir}:latest`, work]);
  await execa('umoci', ['config', '--image', `${dir}:latest`, '--architecture', 'amd64', '--os', 'linux', '--config.env', 'PATH=/bin', '--config.cmd', '/bin/sh']);
  return dir;
}

/** Flips a byte in the middle of the largest layer blob: the digest check must catch it. */
export async function corruptLargestBlob(layout: string): Promise<void> {
  const blobs = join(layout, 'blobs/sha256');
  let largest = '';
  let size = -1;
  for (const name of await readdir(blobs)) {
    const data = await readFile(join(blobs, name));
    if (data.length > size) { size = data.length; largest = name; }
  }
  const data = await readFile(join(blobs, largest));
  data[data.length >> 1] ^= 0xff;
  await writeFile(join(blobs, largest), data);
}

/**
 * `base` plus /big, a file of `size` bytes that is zeros (a hole on disk: umoci's gzip makes it a few
 * MB) except for `markers` written at their offsets. For roots past V8's module limits, made in seconds.
 */
export async function bigFileImage(base: string, dir: string, size: number, markers: ReadonlyArray<[offset: number, text: string]>): Promise<string> {
  await cp(base, dir, { recursive: true });
  const work = `${dir}.work`;
  await execa('umoci', ['unpack', '--image', `${dir}:latest`, work]);
  const big = join(work, 'rootfs/big');
  const file = await open(big, 'w');
  try {
    await file.truncate(size);
    for (const [offset, text] of markers) await file.write(Buffer.from(text), 0, text.length, offset);
  } finally {
    await file.close();
  }
  await execa('umoci', ['repack', '--image', `${dir}:latest`, work]);
  await rm(work, { recursive: true, force: true });
  return dir;
}

/** The example image built for amd64 or arm64 from that Debian busybox-static (cached in ~/.cache/c2w/example-<arch>): amd64 runs on the x86_64 machine, arm64 through qemu-aarch64. */
export async function foreignExampleImage(arch: 'amd64' | 'arm64'): Promise<string> {
  const r = await execa('bash', [join(workspaceRoot, 'tools/x86_64/build-example-image.sh')], { env: { EXAMPLE_ARCH: arch } });
  return r.stdout.trim().split('\n').pop()!;
}

export const amd64ExampleImage = (): Promise<string> => foreignExampleImage('amd64');

/** An amd64 Debian bookworm image with python3 and numpy (cached in ~/.cache/c2w/python-image-amd64). */
export async function amd64PythonImage(): Promise<string> {
  const r = await execa('bash', [join(workspaceRoot, 'tools/x86_64/build-python-image.sh')]);
  return r.stdout.trim().split('\n').pop()!;
}

/** security.capability cap_net_raw+ep (VFS_CAP_REVISION_2): starts 01 00 00 02, so a NUL at byte 1. */
export const NET_RAW_CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex');

/**
 * `base` (riscv64) plus /usr/local/bin/xattrs (the guest's c2w-xattrs, carrying NET_RAW_CAP as a PAX
 * xattr, as a `setcap` in a Dockerfile leaves it) and /usr/local/bin/setxattr (PATH NAME VALUE).
 */
export async function xattrImage(base: string, dir: string): Promise<string> {
  await cp(base, dir, { recursive: true });
  const work = `${dir}.work`;
  await mkdir(work, { recursive: true });
  await buildXattrsTool('riscv64', join(work, 'xattrs'));
  await buildGuestTool('riscv64', join(workspaceRoot, 'e2e/test/fixtures/guest-tools/setxattr.c'), join(work, 'setxattr'));
  // the value's bytes are all below 0x80, so tar-stream's UTF-8 PAX encoding keeps them
  const layer = await makeTar([
    ...['usr/', 'usr/local/', 'usr/local/bin/'].map((name) => ({ name, type: 'directory' as const })),
    { name: 'usr/local/bin/xattrs', mode: 0o755, body: await readFile(join(work, 'xattrs')), pax: { 'SCHILY.xattr.security.capability': NET_RAW_CAP.toString('latin1') } },
    { name: 'usr/local/bin/setxattr', mode: 0o755, body: await readFile(join(work, 'setxattr')) },
  ]);
  await writeFile(join(work, 'layer.tar'), layer);
  await execa('umoci', ['raw', 'add-layer', '--image', `${dir}:latest`, join(work, 'layer.tar')]);
  await rm(work, { recursive: true, force: true });
  return dir;
}
