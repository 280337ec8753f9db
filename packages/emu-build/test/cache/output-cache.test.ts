import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputCache } from '../../src/cache/output-cache.js';
import { keyOf } from '../../src/cache/file-digest.js';

describe('OutputCache', () => {
  it('misses, stores, hits', async () => {
    const cache = new OutputCache(await mkdtemp(join(tmpdir(), 'emu-build-out-')));
    expect((await cache.lookup('guest', 'k')).state).toBe('miss');
    const entry = await cache.store('guest', 'k', async (dir) => { await writeFile(join(dir, 'guest.tar'), 'tar'); return ['guest.tar']; });
    expect(entry.files['guest.tar']?.size).toBe(3);
    const hit = await cache.lookup('guest', 'k');
    expect(hit.state).toBe('hit');
  });

  it('reports a corrupted file against its recorded digest', async () => {
    const cache = new OutputCache(await mkdtemp(join(tmpdir(), 'emu-build-out-')));
    const entry = await cache.store('fw', 'k', async (dir) => { await writeFile(join(dir, 'fw.bin'), 'firmware'); return ['fw.bin']; });
    await writeFile(join(entry.dir, 'fw.bin'), 'firmwarE');
    expect(await cache.lookup('fw', 'k')).toEqual({ state: 'corrupt', file: join(entry.dir, 'fw.bin'), dir: entry.dir });
  });

  it('leaves no entry when the producer fails', async () => {
    const root = await mkdtemp(join(tmpdir(), 'emu-build-out-'));
    const cache = new OutputCache(root);
    await expect(cache.store('x', 'k', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });

  it('keys do not depend on object key order', () => {
    expect(keyOf({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(keyOf({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(keyOf({ a: 1 })).not.toBe(keyOf({ a: 2 }));
  });
});
