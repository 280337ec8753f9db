import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { assertDigest, DigestVerifier } from '../src/index.js';

const data = Buffer.from('hello world');
const good = `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function run(v: DigestVerifier, input: Buffer): Promise<void> {
  await pipeline(Readable.from([input]), v, async function* (src) { for await (const _ of src) { /* sink */ } });
}

describe('DigestVerifier', () => {
  it('passes matching data', async () => {
    const v = new DigestVerifier({ digest: good, size: data.length, what: 'blob' });
    await run(v, data);
    expect(v.digest).toBe(good);
  });
  it('fails on digest mismatch', async () => {
    await expect(run(new DigestVerifier({ digest: good.replace(/.$/, '0'), what: 'blob x' }), data)).rejects.toThrow(/blob x: digest mismatch/);
  });
  it('fails on a short blob', async () => {
    await expect(run(new DigestVerifier({ size: 100, what: 'blob' }), data)).rejects.toThrow(/truncated/);
  });
  it('validates digest syntax before use', () => {
    expect(() => assertDigest('sha256:../../etc', 'manifest')).toThrow(/invalid digest/);
    expect(() => assertDigest(good, 'manifest')).not.toThrow();
  });
});
