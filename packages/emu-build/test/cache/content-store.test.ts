import { createHash } from 'node:crypto';
import { mkdtemp, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '../../src/cache/content-store.js';

const body = Buffer.from('a .deb, say');
const expected = { sha256: createHash('sha256').update(body).digest('hex'), size: body.length };
async function* once(b: Buffer) { yield b; }

describe('ContentStore', () => {
  it('stores by digest and finds it again', async () => {
    const store = new ContentStore(await mkdtemp(join(tmpdir(), 'emu-build-cas-')));
    expect(await store.has(expected)).toBe(false);
    const path = await store.put(once(body), expected, 'x.deb');
    expect(path).toBe(store.pathOf(expected.sha256));
    expect(await store.has(expected)).toBe(true);
    expect(await store.verify(expected, 'x.deb')).toBe(true);
  });

  it('refuses bytes that do not match and leaves nothing behind', async () => {
    const root = await mkdtemp(join(tmpdir(), 'emu-build-cas-'));
    const store = new ContentStore(root);
    await expect(store.put(once(Buffer.from('other bytes')), expected, 'x.deb')).rejects.toThrow(/x.deb: digest mismatch/);
    await expect(store.put(once(Buffer.from('short')), expected, 'x.deb')).rejects.toThrow(/x.deb: size 5 bytes, expected/);
    expect(await readdir(join(root, 'sha256'))).toEqual([]);
  });

  it('detects and drops a corrupted entry', async () => {
    const store = new ContentStore(await mkdtemp(join(tmpdir(), 'emu-build-cas-')));
    const path = await store.put(once(body), expected, 'x.deb');
    await writeFile(path, Buffer.from('a .deb, sAy'));
    expect(await store.verify(expected, 'x.deb')).toBe(false);
    expect(await store.has(expected)).toBe(false);
  });
});
