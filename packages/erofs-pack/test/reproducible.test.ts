import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { edgeTree, makeTar } from '@c2w/testing';
import { fsck, tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

/** The same tar in chunks of `size` bytes (odd sizes split headers and bodies anywhere). */
async function* chunks(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const sha = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

describe('erofs-pack output is deterministic', () => {
  it('gives the same bytes for the same tar whole, in odd chunks and one byte at a time, and other bytes for another epoch', async () => {
    const dir = await tempDir();
    try {
      const tar = await makeTar(edgeTree().slice(0, 200));
      const whole = await packTo(dir, [tar], {}, 'a.erofs');
      await fsck(whole.path);
      const odd = await packTo(dir, [{ tar: chunks(tar, 777), graft: '' }], {}, 'b.erofs');
      const bytes = await packTo(dir, [{ tar: Readable.from(chunks(tar, 1)), graft: '' }], {}, 'c.erofs');
      const later = await packTo(dir, [tar], { epoch: 1_800_000_000 }, 'd.erofs');
      const [a, b, c, d] = await Promise.all([whole, odd, bytes, later].map((r) => sha(r.path)));
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect(d).not.toBe(a); // build_time and the implicit directories' mtime
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
