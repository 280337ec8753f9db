import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomicOutput } from '../src/index.js';

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
