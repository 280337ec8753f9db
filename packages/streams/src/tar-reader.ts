import { once } from 'node:events';
import tarStream from 'tar-stream';
import { InputError } from '@c2w/errors';
import type { TarEntry, TarHeader } from './tar-types.js';

/**
 * Tar entries as an async iterable. The caller reads each body or skips it; unread bodies are
 * drained here because tar-stream stalls while an entry is unread. A stream that stops mid-entry is
 * "truncated", never a silent end; a stream that stops on an entry boundary without the two zero
 * blocks is accepted (umoci 0.4.7 writes such layers; their digest was checked upstream). umoci
 * also omits the zero padding of the last data block: a stream whose length is not a multiple of
 * 512 is padded to the block boundary, so only those (at most 511) missing padding bytes are forgiven.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, what = 'tar stream'): AsyncGenerator<TarEntry> {
  const extract = tarStream.extract();
  let feedError: unknown;
  const feeding = (async () => {
    try {
      let length = 0;
      for await (const chunk of source) {
        length += chunk.length;
        if (!extract.write(chunk)) await once(extract as never, 'drain');
      }
      if (length % 512 !== 0) extract.write(Buffer.alloc(512 - (length % 512)));
      (extract as unknown as { end(): void }).end();
    } catch (err) {
      feedError = err;
      extract.destroy(err as Error);
    }
  })();

  try {
    for await (const stream of extract) {
      const header = applyPax(stream.header as TarHeader);
      let consumed = false;
      const body: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]() {
          consumed = true;
          // A stream cut inside this body fails here, in the caller's loop: translate it too.
          return translated(stream as AsyncIterable<Buffer>, () => feedError, what)[Symbol.asyncIterator]();
        },
      };
      yield { header, body };
      if (!consumed) for await (const _chunk of stream) { /* drain */ }
    }
  } catch (err) {
    throw translate(feedError ?? err, what);
  } finally {
    extract.destroy();
    await feeding;
  }
  if (feedError) throw translate(feedError, what);
}

async function* translated(body: AsyncIterable<Buffer>, feedError: () => unknown, what: string): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (err) {
    throw translate(feedError() ?? err, what);
  }
}

function translate(err: unknown, what: string): unknown {
  if (!(err instanceof Error) || err instanceof InputError) return err;
  if (/Unexpected end of data/.test(err.message)) return new InputError(`${what} is truncated (unexpected end of data)`, { cause: err });
  if (/Invalid tar header|Header exceeds max size|Invalid header/.test(err.message)) {
    return new InputError(`${what} is not a valid tar archive: ${err.message}`, { cause: err });
  }
  return err;
}

/** tar-stream applies PAX path, linkpath and size; uid, gid and mtime (ids over 2097151, sub-second times) are ours. */
function applyPax(header: TarHeader): TarHeader {
  const pax = header.pax;
  if (!pax) return header;
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  header.uid = int(pax['uid']) ?? header.uid;
  header.gid = int(pax['gid']) ?? header.gid;
  const mtime = pax['mtime'] !== undefined ? Number(pax['mtime']) : NaN;
  if (Number.isFinite(mtime)) header.mtime = new Date(Math.floor(mtime) * 1000);
  return header;
}
