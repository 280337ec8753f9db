import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffManifests, manifestOfDir, manifestOfTar, type FsManifest } from '@c2w/testing';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'erofs-pack-'));
}

export async function writeTemp(dir: string, name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/** fsck.erofs (erofs-utils, the reference) checks every inode and extracts the tree with owners and modes. */
export async function fsckExtract(image: string, into: string): Promise<FsManifest> {
  await execa('fsck.erofs', [`--extract=${into}`, '--preserve', image]);
  return manifestOfDir(into);
}

/** fsck.erofs alone: exit 0 means every inode, directory and data block checked out. */
export async function fsck(image: string): Promise<void> {
  await execa('fsck.erofs', [image]);
}

/**
 * Differences between a tar and an extracted image, minus what fsck.erofs 1.5 does not restore:
 * xattrs, hardlinks (it writes each name as a file of its own), setuid and setgid (its chown after
 * chmod clears them) and symlink mtimes. mountedManifest covers those through the kernel.
 */
export async function differencesFromTar(tar: Buffer, extracted: FsManifest): Promise<string> {
  const expected = await manifestOfTar(tar);
  const lossy = (m: FsManifest): FsManifest => new Map([...m].map(([k, r]) => {
    const mode = (parseInt(r.mode, 8) & 0o1777).toString(8).padStart(4, '0');
    return [k, { ...r, mode, mtime: r.type === 'symlink' ? 0 : r.mtime }];
  }));
  return diffManifests(lossy(expected), lossy(extracted), ['xattrs', 'hl']);
}

/** Whether this host can loop-mount an EROFS image (root, a kernel with erofs): a second, full reader. */
export async function canMountErofs(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return (await readFile('/proc/filesystems', 'utf8').catch(() => '')).includes('erofs');
}

/** The image as the host kernel reads it (xattrs, hardlinks, every mode bit), through a read-only loop mount. */
export async function mountedManifest(image: string, at: string): Promise<FsManifest> {
  await mkdir(at, { recursive: true });
  await execa('mount', ['-t', 'erofs', '-o', 'loop,ro', image, at]);
  let read = false;
  try {
    const manifest = await manifestOfDir(at);
    read = true;
    return manifest;
  } finally {
    await unmount(at, read);
  }
}

/**
 * Unmounts, retrying a busy mount (a stream the walk left closing) and detaching it lazily at
 * last, so no mount outlives the test; an unmount failure is reported only if the read succeeded
 * (it must not hide the read's own error).
 */
async function unmount(at: string, report: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await execa('umount', [at], { reject: false });
    if (r.exitCode === 0) return;
    if (attempt === 4) {
      await execa('umount', ['-l', at], { reject: false });
      if (report) throw new Error(`umount ${at}: ${r.stderr.trim()}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Tar and mounted image compared field by field, xattrs included. */
export async function differencesFromMount(tar: Buffer, mounted: FsManifest): Promise<string> {
  return diffManifests(await manifestOfTar(tar), mounted);
}
