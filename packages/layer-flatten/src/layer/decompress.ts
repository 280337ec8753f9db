import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { InputError } from '@c2w/errors';

export type Compression = 'tar' | 'gzip' | 'zstd';

/** Magic bytes: gzip 1f 8b, zstd frame 28 b5 2f fd; anything else is read as tar. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'tar';
}

/** A transform that decompresses; truncated or corrupt input fails the stream with an InputError. */
export function decompressor(compression: Compression, what: string): Transform {
  if (compression === 'gzip') {
    return createGunzip({ chunkSize: 1 << 18 });
  }
  if (compression === 'zstd') return new ZstdDecompress(what);
  return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
}

/** Node 20 has no zstd in zlib; fzstd is a maintained pure-JS streaming decoder. */
class ZstdDecompress extends Transform {
  private readonly decoder = new Decompress((data) => { this.push(Buffer.from(data)); });

  constructor(private readonly what: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      cb();
    } catch (err) {
      cb(new InputError(`${this.what}: zstd data is corrupt (${(err as Error).message})`, { cause: err }));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(new InputError(`${this.what}: zstd data is truncated or corrupt (${(err as Error).message})`, { cause: err }));
    }
  }
}

/** zlib fails with plain errors (Z_BUF_ERROR "unexpected end of file", Z_DATA_ERROR); the data is to blame. */
export function translateZlibError(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new InputError(`${what}: gzip data is truncated or corrupt (${(err as Error).message})`, { cause: err });
  }
  return err;
}
