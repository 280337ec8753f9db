import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputCache } from '../../src/cache/output-cache.js';

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

  it('records bare sha256 hex in entry.json, the format caches already on disk hold', async () => {
    const cache = new OutputCache(await mkdtemp(join(tmpdir(), 'emu-build-out-')));
    const entry = await cache.store('guest', 'k', async (dir) => { await writeFile(join(dir, 'guest.tar'), 'tar'); return ['guest.tar']; });
    const recorded = JSON.parse(await readFile(join(entry.dir, 'entry.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(recorded.files).toEqual({ 'guest.tar': { sha256: createHash('sha256').update('tar').digest('hex'), size: 3 } });
  });

  it('replaces a corrupted entry whole and leaves no temporary', async () => {
    const root = await mkdtemp(join(tmpdir(), 'emu-build-out-'));
    const cache = new OutputCache(root);
    const first = await cache.store('fw', 'k', async (dir) => { await writeFile(join(dir, 'fw.bin'), 'firmware'); await writeFile(join(dir, 'stale'), ''); return ['fw.bin']; });
    await writeFile(join(first.dir, 'fw.bin'), 'firmwarE');
    expect((await cache.lookup('fw', 'k')).state).toBe('corrupt');
    await cache.store('fw', 'k', async (dir) => { await writeFile(join(dir, 'fw.bin'), 'firmware'); return ['fw.bin']; });
    expect((await cache.lookup('fw', 'k')).state).toBe('hit');
    expect(await readdir(join(root, 'fw', 'k'))).toEqual(['entry.json', 'fw.bin']);
    expect(await readdir(join(root, 'fw'))).toEqual(['k']);
  });
});
