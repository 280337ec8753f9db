import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import xz from 'xz-decompress';
import { Decompress as ZstdDecompress } from 'fzstd';
import { InputError } from '@c2w/errors';

export type Compression = 'xz' | 'zst' | 'gz' | 'none';

/** The compression of a member by its name suffix (`data.tar.xz`, `control.tar.zst`, ...). */
export function compressionOf(name: string): Compression {
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.zst')) return 'zst';
  if (name.endsWith('.gz')) return 'gz';
  if (name.endsWith('.tar')) return 'none';
  throw new InputError(`unsupported compression of ${name} (expected .xz, .zst, .gz or none)`);
}

/**
 * Decompresses a stream in pure JS/WASM (xz-decompress, fzstd, node:zlib): no native addon and no
 * external program, so it runs the same on every host.
 */
export function decompress(kind: Compression, source: AsyncIterable<Uint8Array>, what: string): AsyncIterable<Uint8Array> {
  switch (kind) {
    case 'none': return source;
    case 'gz': return gunzip(source, what);
    case 'xz': return unxz(source, what);
    case 'zst': return unzstd(source, what);
  }
}

async function* gunzip(source: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
  const z = createGunzip();
  const feeding = pipeline(Readable.from(source), z);
  feeding.catch(() => undefined);
  try {
    for await (const chunk of z) yield chunk as Buffer;
    await feeding;
  } catch (err) {
    throw new InputError(`${what}: gzip data is corrupt or truncated: ${(err as Error).message}`, { cause: err });
  }
}

async function* unxz(source: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
  const web = Readable.toWeb(Readable.from(source)) as ReadableStream<Uint8Array>;
  const out = new xz.XzReadableStream(web);
  try {
    for await (const chunk of out as unknown as AsyncIterable<Uint8Array>) yield chunk;
  } catch (err) {
    throw new InputError(`${what}: xz data is corrupt or truncated: ${(err as Error).message ?? String(err)}`, { cause: err });
  }
}

async function* unzstd(source: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  let ended = false;
  const d = new ZstdDecompress((data, final) => { out.push(data); if (final) ended = true; });
  try {
    for await (const chunk of source) {
      d.push(chunk);
      const ready = out;
      out = [];
      yield* ready;
    }
    d.push(new Uint8Array(0), true);
  } catch (err) {
    throw new InputError(`${what}: zstd data is corrupt: ${(err as Error).message}`, { cause: err });
  }
  yield* out;
  if (!ended) throw new InputError(`${what}: zstd data is truncated`);
}
