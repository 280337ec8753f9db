import { execa } from 'execa';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { canMountErofs, fsck, tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

const SIZE = 5 * 1024 ** 3 + 12345;
// around 4 GiB: a 32-bit size or byte offset would wrap there
const PARTS: Array<[number, Buffer]> = [
  [0, Buffer.alloc(4096, 'head ')],
  [4 * 1024 ** 3 - 100, Buffer.alloc(8192, 'across 4 GiB ')],
  [SIZE - 6, Buffer.from('MARKER')],
];

/** `truncate -s` and a few written blocks: a 5 GiB file that takes a few KiB on disk. */
async function sparseFile(path: string): Promise<void> {
  await execa('truncate', ['-s', String(SIZE), path]);
  const fh = await open(path, 'r+');
  for (const [at, data] of PARTS) await fh.write(data, 0, data.length, at);
  await fh.close();
}

const withMount = requirePrerequisite('root and a host kernel with erofs (loop mount)', await canMountErofs()) ? it : it.skip;

describe('files of 4 GiB and more', () => {
  withMount('packs a sparse 5 GiB file from a GNU sparse tar; the kernel reads its size and bytes past 4 GiB', async () => {
    const dir = await tempDir();
    try {
      await mkdir(join(dir, 'src'));
      await sparseFile(join(dir, 'src/big.img'));
      await execa('sh', ['-c', `printf 'after the big one' > '${dir}/src/after'`]);
      const tarPath = join(dir, 'sparse.tar');
      await execa('tar', ['--sparse', '--format=gnu', '-C', join(dir, 'src'), '-cf', tarPath, 'big.img', 'after']);
      const tar = await readFile(tarPath);
      expect(tar.length).toBeLessThan(1024 * 1024);

      const { path } = await packTo(dir, [tar], {}, 'big.erofs');
      const st = await stat(path);
      expect(st.size).toBeGreaterThan(SIZE);
      expect(st.blocks * 512).toBeLessThan(64 * 1024 * 1024); // holes stayed holes
      await fsck(path);
      const m = join(dir, 'm');
      await mkdir(m);
      await execa('mount', ['-t', 'erofs', '-o', 'loop,ro', path, m]);
      try {
        expect((await stat(join(m, 'big.img'))).size).toBe(SIZE);
        const fh = await open(join(m, 'big.img'), 'r');
        try {
          for (const [at, data] of PARTS) {
            const back = Buffer.alloc(data.length + 16);
            const { bytesRead } = await fh.read(back, 0, back.length, at - 8 < 0 ? 0 : at - 8);
            const start = at - 8 < 0 ? 0 : 8;
            expect(bytesRead).toBeGreaterThanOrEqual(start + data.length);
            expect(back.subarray(start, start + data.length).equals(data)).toBe(true);
            if (start === 8) expect(back.subarray(0, 8).equals(Buffer.alloc(8))).toBe(true); // zeros before the part
          }
        } finally {
          await fh.close();
        }
        expect(await readFile(join(m, 'after'), 'utf8')).toBe('after the big one');
      } finally {
        await execa('umount', [m]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
