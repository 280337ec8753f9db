import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import tarStream from 'tar-stream';
import { tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

// 280 x 250 directories under d/, plus d/, the 280 and the root: 70,282, more than 65,535, the
// limit of a path table's 16-bit parent numbers (README "Path tables").
const OUTER = 280;
const INNER = 250;
const DIRS = 1 + OUTER + OUTER * INNER; // below the root

async function* manyDirs(): AsyncGenerator<Uint8Array> {
  const pack = tarStream.pack();
  (async () => {
    const mtime = new Date(1_600_000_000_000);
    pack.entry({ name: 'd/', type: 'directory', mode: 0o755, mtime });
    for (let i = 0; i < OUTER; i++) {
      pack.entry({ name: `d/${i}/`, type: 'directory', mode: 0o755, mtime });
      for (let j = 0; j < INNER; j++) pack.entry({ name: `d/${i}/${j}/`, type: 'directory', mode: 0o750, mtime });
      await new Promise((r) => setImmediate(r));
    }
    pack.entry({ name: `d/${OUTER - 1}/${INNER - 1}/last.txt`, mode: 0o644, mtime }, 'deepest and last\n');
    pack.finalize();
  })().catch((e) => pack.destroy(e));
  yield* pack as AsyncIterable<Uint8Array>;
}

describe('more than 65,535 directories', () => {
  it('packs a tree that bsdtar and xorriso read back whole', async () => {
    const dir = await tempDir();
    try {
      const { path } = await packTo(dir, [{ tar: manyDirs(), graft: '' }], {}, 'dirs.iso');
      const listed = (await execa('bsdtar', ['-tf', path], { maxBuffer: 1 << 28 })).stdout.split('\n').filter(Boolean);
      const expected = ['d'];
      for (let i = 0; i < OUTER; i++) {
        expected.push(`d/${i}`);
        for (let j = 0; j < INNER; j++) expected.push(`d/${i}/${j}`);
      }
      expected.push(`d/${OUTER - 1}/${INNER - 1}/last.txt`);
      expect(listed.filter((n) => n !== '.').sort()).toEqual(expected.sort());
      expect(expected).toHaveLength(DIRS + 1); // the directories below the root, and the file
      const body = await execa('bsdtar', ['-xOf', path, `d/${OUTER - 1}/${INNER - 1}/last.txt`]);
      expect(body.stdout).toBe('deepest and last');
      const found = await execa('xorriso', ['-indev', path, '-find', `/d/${OUTER - 1}`, '-type', 'd'], { maxBuffer: 1 << 26 });
      expect(found.stdout.split('\n').filter((l) => l.startsWith("'/d/"))).toHaveLength(1 + INNER);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
