import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

const SIZE = 5 * 1024 ** 3 + 12345;
// Multi-extent sections are 0xFFFFF800 bytes: one data block straddles the first boundary.
const SECTION = 0xfffff800;
const PARTS: Array<[number, Buffer]> = [
  [0, Buffer.alloc(4096, 'head ')],
  [SECTION - 100, Buffer.alloc(8192, 'across the section boundary ')],
  [3 * 1024 ** 3, Buffer.alloc(1000, 'middle ')],
  [SIZE - 6, Buffer.from('MARKER')],
];

/** `truncate -s` and a few written blocks: a 5 GiB file that takes a few KiB on disk. */
async function sparseFile(path: string): Promise<void> {
  await execa('truncate', ['-s', String(SIZE), path]);
  const fh = await open(path, 'r+');
  for (const [at, data] of PARTS) await fh.write(data, 0, data.length, at);
  await fh.close();
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** One pass over `bsdtar -xOf`: total size, the hash of each of PARTS, non-zero bytes elsewhere. */
async function readBack(iso: string, member: string): Promise<{ size: number; parts: string[]; strayBytes: number }> {
  const hashes = PARTS.map(() => createHash('sha256'));
  let offset = 0;
  let strayBytes = 0;
  const child = execa('bsdtar', ['-xOf', iso, member], { encoding: 'buffer', buffer: false });
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let from = 0;
    PARTS.forEach(([at, data], i) => {
      const start = Math.max(at, offset);
      const end = Math.min(at + data.length, offset + chunk.length);
      if (start >= end) return;
      hashes[i]!.update(chunk.subarray(start - offset, end - offset));
      strayBytes += countNonZero(chunk.subarray(from, start - offset));
      from = end - offset;
    });
    strayBytes += countNonZero(chunk.subarray(from));
    offset += chunk.length;
  }
  await child;
  return { size: offset, parts: hashes.map((h) => h.digest('hex')), strayBytes };
}

const ZEROS = Buffer.alloc(1 << 20);
function countNonZero(b: Buffer): number {
  if (b.length <= ZEROS.length && b.equals(ZEROS.subarray(0, b.length))) return 0;
  let n = 0;
  for (const byte of b) if (byte !== 0) n++;
  return n;
}

describe('files of 4 GiB and more', () => {
  it('packs a sparse 5 GiB file from a GNU sparse tar as multi-extent sections that bsdtar and isoinfo read back', async () => {
    const dir = await tempDir();
    try {
      await execa('mkdir', [join(dir, 'src')]);
      await sparseFile(join(dir, 'src/big.img'));
      await execa('sh', ['-c', `printf 'after the big one' > '${dir}/src/after'`]);
      // GNU tar stores the data segments and a sparse map (type 'S'), not 5 GiB of zeros.
      const tarPath = join(dir, 'sparse.tar');
      await execa('tar', ['--sparse', '--format=gnu', '-C', join(dir, 'src'), '-cf', tarPath, 'big.img', 'after']);
      const tar = await readFile(tarPath);
      expect(tar.length).toBeLessThan(1024 * 1024);
      expect(String.fromCharCode(tar[156]!)).toBe('S');

      const warnings: string[] = [];
      const { path } = await packTo(dir, [tar], { joliet: true }, 'big.iso', warnings);
      expect(warnings).toEqual([]);
      const st = await stat(path);
      expect(st.size).toBeGreaterThan(SIZE);
      expect(st.blocks * 512).toBeLessThan(64 * 1024 * 1024); // holes stayed holes
      const list = (await execa('bsdtar', ['-tvf', path])).stdout;
      expect(list).toMatch(new RegExp(`\\s${SIZE}\\s.*big\\.img`));
      const records = (await execa('isoinfo', ['-l', '-i', path])).stdout.split('\n').filter((l) => /BIG\.IMG;1/.test(l));
      expect(records).toHaveLength(2);
      // Every byte as libarchive reads it: the data parts hash as written, all else is zeros.
      const seen = await readBack(path, 'big.img');
      expect(seen.size).toBe(SIZE);
      expect(seen.parts).toEqual(PARTS.map(([, data]) => sha(data)));
      expect(seen.strayBytes).toBe(0);
      expect((await execa('bsdtar', ['-xOf', path, 'after'])).stdout).toBe('after the big one');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
