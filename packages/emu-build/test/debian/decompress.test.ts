import { execa } from 'execa';
import { gzipSync } from 'node:zlib';
import { decompress } from '../../src/debian/decompress.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function* chunks(buf: Buffer, size = 1000) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const plain = Buffer.from('c2w '.repeat(50000));

describe('decompress', () => {
  it.each([
    ['xz', ['xz', '-c']],
    ['zst', ['zstd', '-c', '-q']],
  ] as const)('%s round-trips through the command-line compressor', async (kind, cmd) => {
    const packed = Buffer.from((await execa(cmd[0], cmd.slice(1), { input: plain, encoding: 'buffer' })).stdout);
    expect((await collect(decompress(kind, chunks(packed), 't'))).equals(plain)).toBe(true);
    await expect(collect(decompress(kind, chunks(packed.subarray(0, packed.length - 20)), 't'))).rejects.toThrow(/corrupt|truncated/);
  });

  it('gz round-trips and reports truncation', async () => {
    const packed = gzipSync(plain);
    expect((await collect(decompress('gz', chunks(packed), 't'))).equals(plain)).toBe(true);
    await expect(collect(decompress('gz', chunks(packed.subarray(0, packed.length - 10)), 't'))).rejects.toThrow(/gzip data is corrupt or truncated/);
  });
});
