import { Duplex, PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecoder } from 'fzstd';
import xz from 'xz-decompress';
import { C2wError, InputError, isSystemError } from '@c2w/errors';

/**
 * The one decompressor of c2w (image layers, Debian packages and indexes). Pure JS/WASM (node:zlib,
 * fzstd, xz-decompress): no native addon and no external program, so it runs the same on every host.
 * Truncated or corrupt data always fails as an InputError naming `what` (exit 1): zlib's own errors
 * carry no hint that the data, not c2w, is to blame.
 */
export type Compression = 'gzip' | 'zstd' | 'xz' | 'none';

/** Magic bytes: gzip 1f 8b, zstd 28 b5 2f fd, xz fd 37 7a 58 5a 00; anything else is taken as uncompressed. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return 'xz';
  return 'none';
}

/** The compression of a file by its name (`data.tar.xz`, `Packages.gz`, `control.tar`). */
export function compressionByName(name: string): Compression {
  if (name.endsWith('.gz')) return 'gzip';
  if (name.endsWith('.zst')) return 'zstd';
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.tar')) return 'none';
  throw new InputError(`unsupported compression of ${name} (expected .gz, .zst, .xz or .tar)`);
}

/** A stream stage that decompresses; its errors on bad data are InputErrors `<what>: gzip data is truncated or corrupt (...)`. */
export function decompressor(kind: Compression, what: string): Duplex {
  switch (kind) {
    case 'gzip': return gunzip(what);
    case 'zstd': return new ZstdTransform(what);
    case 'xz': return unxz(what);
    case 'none': return new PassThrough({ highWaterMark: 1 << 20 });
  }
}

/** The same as an async iterable, for code that is not a stream pipeline. */
export function decompress(kind: Compression, source: AsyncIterable<Uint8Array>, what: string): AsyncIterable<Buffer> {
  if (kind === 'none') return Readable.from(source, { objectMode: false });
  return through(source, decompressor(kind, what));
}

async function* through(source: AsyncIterable<Uint8Array>, stage: Duplex): AsyncGenerator<Buffer> {
  const feeding = pipeline(Readable.from(source, { objectMode: false }), stage);
  feeding.catch(() => undefined); // the same error reaches the loop below
  for await (const chunk of stage) yield chunk as Buffer;
  await feeding;
}

function dataError(format: string, what: string, err: unknown): InputError {
  const detail = err instanceof Error ? err.message : String(err);
  return new InputError(`${what}: ${format} data is truncated or corrupt (${detail})`, { cause: err });
}

/**
 * node:zlib, for speed (native, with backpressure). zlib fails by destroy(err) with a plain Error
 * whose code starts with Z_ (or "unexpected end of file"); translating it there, before any stream
 * records it, makes every consumer downstream (a tar body, a digest check) see the InputError.
 */
function gunzip(what: string): Transform {
  const z = createGunzip({ chunkSize: 1 << 18 });
  const destroy = z.destroy.bind(z);
  z.destroy = (err?: Error) => destroy(isZlibError(err) ? dataError('gzip', what, err) : err);
  return z;
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Node 20 has no zstd in zlib; fzstd is a maintained pure-JS streaming decoder (no backpressure inside a chunk). */
class ZstdTransform extends Transform {
  private ended = false;
  private readonly decoder = new ZstdDecoder((data, final) => {
    if (data.length > 0) this.push(Buffer.from(data)); // a copy: the decoder may reuse its buffers
    if (final) this.ended = true;
  });

  constructor(private readonly what: string) {
    super({ readableHighWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      cb();
    } catch (err) {
      cb(dataError('zstd', this.what, err));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      if (!this.ended) throw new Error('the last frame is incomplete');
      cb();
    } catch (err) {
      cb(dataError('zstd', this.what, err));
    }
  }
}

/** xz-decompress works on web streams; Duplex.from bridges it with backpressure. */
function unxz(what: string): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    const web = Readable.toWeb(Readable.from(source, { objectMode: false })) as ReadableStream<Uint8Array>;
    try {
      for await (const chunk of new xz.XzReadableStream(web) as unknown as AsyncIterable<Uint8Array>) {
        yield Buffer.from(chunk); // a copy: the chunk may be a view of the decoder's wasm memory
      }
    } catch (err) {
      // an upstream failure (a digest check, a read error) passes as it is; anything else is the data
      if (err instanceof C2wError || isSystemError(err)) throw err;
      throw dataError('xz', what, err);
    }
  });
}
