import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import tarStream from 'tar-stream';
import { tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

const SIZE = 5 * 1024 ** 3 + 12345;

/** A tar holding one 5 GiB file of zeros (plus a marker at its end), generated as a stream. */
async function* bigTar(): AsyncGenerator<Uint8Array> {
  const pack = tarStream.pack();
  const entry = pack.entry({ name: 'big.img', size: SIZE, mode: 0o644, mtime: new Date(1_600_000_000_000) });
  (async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    let left = SIZE - 6;
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      if (!entry.write(n === zeros.length ? zeros : zeros.subarray(0, n))) await new Promise((r) => entry.once('drain', r));
      left -= n;
    }
    entry.end(Buffer.from('MARKER'));
    pack.entry({ name: 'after', mode: 0o644 }, 'after the big one');
    pack.finalize();
  })().catch((e) => pack.destroy(e));
  yield* pack as AsyncIterable<Uint8Array>;
}

describe('files of 4 GiB and more', () => {
  it('packs a 5 GiB file as multi-extent sections that bsdtar and isoinfo read back', async () => {
    const dir = await tempDir();
    try {
      const { path } = await packTo(dir, [{ tar: bigTar(), graft: '' }], { joliet: true }, 'big.iso');
      const st = await stat(path);
      expect(st.size).toBeGreaterThan(SIZE);
      expect(st.blocks * 512).toBeLessThan(64 * 1024 * 1024); // zeros stayed holes
      const list = (await execa('bsdtar', ['-tvf', path])).stdout;
      expect(list).toMatch(new RegExp(`\\s${SIZE}\\s.*big\\.img`));
      const records = (await execa('isoinfo', ['-l', '-i', path])).stdout.split('\n').filter((l) => /BIG\.IMG;1/.test(l));
      expect(records).toHaveLength(2);
      const tail = await execa('sh', ['-c', `bsdtar -xOf '${path}' big.img | tail -c 6`]);
      expect(tail.stdout).toBe('MARKER');
      const after = await execa('bsdtar', ['-xOf', path, 'after']);
      expect(createHash('sha256').update(after.stdout).digest('hex')).toBe(createHash('sha256').update('after the big one').digest('hex'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
