import { stat } from 'node:fs/promises';
import { SpoolFile } from '../../src/output/spool-file.js';

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> { yield* parts; }
async function readAll(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('spool file', () => {
  it('gives bodies back by offset, keeps zero runs as holes, and removes itself', async () => {
    const spool = await SpoolFile.create();
    const a = await spool.append(chunks(Buffer.from('hello')), 5, 'a');
    const zeros = Buffer.alloc(64 << 20);
    const b = await spool.append(chunks(zeros.subarray(0, 1 << 20), zeros.subarray(0, 1 << 20), Buffer.from('end')), (2 << 20) + 3, 'b');
    const c = await spool.append(chunks(zeros.subarray(0, 8192)), 8192, 'c');
    await spool.seal();
    expect((await readAll(spool.read(a, 5))).toString()).toBe('hello');
    const body = await readAll(spool.read(b, (2 << 20) + 3));
    expect(body.subarray(0, 2 << 20).equals(zeros.subarray(0, 2 << 20))).toBe(true);
    expect(body.subarray(2 << 20).toString()).toBe('end');
    expect((await readAll(spool.read(c, 8192))).equals(zeros.subarray(0, 8192))).toBe(true);
    const st = await stat(spool.path);
    expect(st.size).toBe(5 + (2 << 20) + 3 + 8192);
    expect(st.blocks * 512).toBeLessThan(1 << 20); // the zero megabytes were never written
    await spool.close();
    await expect(stat(spool.path)).rejects.toThrow('ENOENT');
  });

  it('refuses a body whose length differs from its header', async () => {
    const spool = await SpoolFile.create();
    await expect(spool.append(chunks(Buffer.from('abc')), 4, 'entry "x"')).rejects.toThrow('entry "x": body is 3 bytes, header says 4');
    await spool.close();
  });
});
