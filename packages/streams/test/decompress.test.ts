import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { InputError } from '@c2w/errors';
import { compressionByName, decompress, decompressor, sniffCompression, type Compression } from '../src/index.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function* chunks(buf: Buffer, size = 1000) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

// half incompressible, so a cut in the middle lands inside real compressed blocks
const plain = Buffer.concat([Buffer.from('c2w '.repeat(50000)), randomBytes(100_000)]);
// execa strips a final newline even from bytes: a zstd frame whose checksum ends in 0x0a (1 in 256
// runs with random input) lost its last byte, and the test failed on its own truncated input
const pack = async (cmd: string, b: Buffer) => Buffer.from((await execa(cmd, ['-c', '-q'], { input: b, encoding: 'buffer', stripFinalNewline: false })).stdout);
const packers: Record<Exclude<Compression, 'none'>, (b: Buffer) => Promise<Buffer>> = {
  gzip: async (b) => gzipSync(b),
  zstd: (b) => pack('zstd', b),
  xz: (b) => pack('xz', b),
};

describe('decompress', () => {
  it.each(['gzip', 'zstd', 'xz'] as const)('%s round-trips, is sniffed, and a cut anywhere is an InputError naming the input', async (kind) => {
    const packed = await packers[kind](plain);
    expect(sniffCompression(packed)).toBe(kind);
    expect((await collect(decompress(kind, chunks(packed), 'layer 1 of 1'))).equals(plain)).toBe(true);
    for (const cut of [5000, packed.length >> 1, packed.length - 10]) {
      const err = await collect(decompress(kind, chunks(packed.subarray(0, cut)), 'layer 1 of 1')).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(new RegExp(`^layer 1 of 1: ${kind} data is truncated or corrupt \\(.+\\)$`));
    }
  });

  it('fails every downstream stage of a pipeline with the InputError (a file body being read sees it)', async () => {
    const cut = gzipSync(plain).subarray(0, 5000);
    const tail = new PassThrough();
    const done = pipeline(Readable.from(chunks(cut)), decompressor('gzip', 'layer 2 of 3'), tail);
    done.catch(() => undefined);
    const seen = await collect(tail).then(() => undefined, (e: unknown) => e);
    expect(seen).toBeInstanceOf(InputError);
    await expect(done).rejects.toThrow(/^layer 2 of 3: gzip data is truncated or corrupt/);
  });

  it('passes an upstream failure through unchanged', async () => {
    const upstream = new InputError('blob sha256:ab: digest mismatch');
    for (const kind of ['gzip', 'zstd', 'xz'] as const) {
      const packed = await packers[kind](plain);
      async function* failing() { yield packed.subarray(0, 100); throw upstream; }
      await expect(collect(decompress(kind, failing(), 'x'))).rejects.toBe(upstream);
    }
  });

  it('takes anything without a magic number as uncompressed, and a name suffix as the compression', async () => {
    expect(sniffCompression(Buffer.from('etc/\0\0\0'))).toBe('none');
    expect((await collect(decompress('none', chunks(plain), 'x'))).equals(plain)).toBe(true);
    expect(['a.tar.gz', 'b.tar.zst', 'Packages.xz', 'data.tar'].map(compressionByName)).toEqual(['gzip', 'zstd', 'xz', 'none']);
    expect(() => compressionByName('data.tar.bz2')).toThrow(InputError);
  });
});
