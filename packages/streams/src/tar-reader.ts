import { once } from 'node:events';
import tarStream from 'tar-stream';
import { InputError } from '@c2w/errors';
import type { TarEntry, TarHeader } from './tar-types.js';

/**
 * Tar entries as an async iterable. The caller reads each body or skips it; unread bodies are
 * drained here because tar-stream stalls while an entry is unread. A stream that stops mid-entry is
 * "truncated", never a silent end; a stream that stops on an entry boundary without the two zero
 * blocks is accepted (umoci 0.4.7 writes such layers; their digest was checked upstream).
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, what = 'tar stream'): AsyncGenerator<TarEntry> {
  const extract = tarStream.extract();
  let feedError: unknown;
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (!extract.write(chunk)) await once(extract as never, 'drain');
      }
      (extract as unknown as { end(): void }).end();
    } catch (err) {
      feedError = err;
      extract.destroy(err as Error);
    }
  })();

  try {
    for await (const stream of extract) {
      const header = stream.header as TarHeader;
      let consumed = false;
      const body: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]() {
          consumed = true;
          return (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
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

function translate(err: unknown, what: string): unknown {
  if (!(err instanceof Error) || err instanceof InputError) return err;
  if (/Unexpected end of data/.test(err.message)) return new InputError(`${what} is truncated (unexpected end of data)`, { cause: err });
  if (/Invalid tar header|Header exceeds max size|Invalid header/.test(err.message)) {
    return new InputError(`${what} is not a valid tar archive: ${err.message}`, { cause: err });
  }
  return err;
}
