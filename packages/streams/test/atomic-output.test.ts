import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomicFile, createAtomicOutput } from '../src/index.js';

describe('createAtomicOutput', () => {
  it('appears only on commit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-out-'));
    const out = await createAtomicOutput(join(dir, 'a.tar'));
    out.stream.write('data');
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^\.a\.tar\.tmp-\d+$/)]);
    await out.commit();
    expect(await readdir(dir)).toEqual(['a.tar']);
    expect(await readFile(join(dir, 'a.tar'), 'utf8')).toBe('data');
  });
  it('leaves nothing on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-out-'));
    const out = await createAtomicOutput(join(dir, 'a.tar'));
    out.stream.write('data');
    await out.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('createAtomicFile', () => {
  it('supports positional writes and appears only on commit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-out-'));
    const out = await createAtomicFile(join(dir, 'a.iso'));
    await out.handle.write(Buffer.from('BB'), 0, 2, 2);
    await out.handle.write(Buffer.from('AA'), 0, 2, 0);
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^\.a\.iso\.tmp-\d+$/)]);
    await out.commit();
    expect(await readFile(join(dir, 'a.iso'), 'utf8')).toBe('AABB');
  });
  it('leaves nothing on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-out-'));
    const out = await createAtomicFile(join(dir, 'a.iso'));
    await out.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});
