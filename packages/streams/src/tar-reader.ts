import { TarEvent, TarParser } from './tar-parser.js';
import type { TarEntry } from './tar-types.js';

/**
 * Tar entries as an async iterable, over TarParser. The caller reads each body or skips it; an
 * unread body is skipped here. A stream that stops mid-entry is "truncated" (an InputError), never
 * a silent end; a stream that stops on an entry boundary without the two zero blocks is accepted
 * (umoci 0.4.7 writes such layers; their digest was checked upstream), as is a last data block
 * without its zero padding (umoci again).
 *
 * Body chunks are views of the source's chunks, not copies: a source must not reuse its buffers
 * (file and decompression streams do not; readFileChunks does, so it is not a source for this).
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, what = 'tar stream'): AsyncGenerator<TarEntry> {
  const parser = new TarParser(what);
  const input = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : fromSync(source);
  let ended = false;
  let inEntry = false;
  const pull = async (): Promise<TarEvent> => {
    for (;;) {
      const event = parser.next();
      if (event !== TarEvent.NeedMore || ended) {
        if (event === TarEvent.EntryEnd) inEntry = false;
        return event;
      }
      const next = await input.next();
      if (next.done) {
        ended = true;
        parser.end(); // throws when the input stops inside an entry
      } else {
        parser.push(next.value);
      }
    }
  };

  try {
    for (;;) {
      const event = await pull();
      if (event === TarEvent.NeedMore) return; // input ended on an entry boundary
      if (event !== TarEvent.Entry) continue; // the rest of a body the caller left unread
      inEntry = true;
      let consumed = false;
      const body: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]() {
          if (consumed) throw new Error(`${what}: an entry body can be read only once`);
          consumed = true;
          return bodyChunks()[Symbol.asyncIterator]();
        },
      };
      yield { header: parser.header, body };
    }
  } finally {
    await input.return?.();
  }

  async function* bodyChunks(): AsyncGenerator<Buffer> {
    while (inEntry) {
      const event = await pull();
      if (event === TarEvent.Data) yield parser.data;
      else if (event === TarEvent.NeedMore) return; // unreachable: end() throws inside an entry
    }
  }
}

async function* fromSync(source: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}
