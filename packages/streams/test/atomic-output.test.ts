import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@c2w/errors';
import { createAtomicFile, createAtomicOutput, writeAtomically } from '../src/index.js';

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
  it("keeps the class of a producer's error that a pipeline passes to the output (a digest mismatch stays input)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-out-'));
    const mismatch = new InputError('sha256 of x does not match');
    const failing = new Transform({ transform(_chunk, _enc, done) { done(mismatch); } });
    const written = writeAtomically(join(dir, 'a.deb'), 'download', (out) => pipeline(Readable.from([Buffer.from('x')]), failing, out));
    await expect(written).rejects.toBe(mismatch);
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
