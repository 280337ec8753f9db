import { InputError } from '@c2w/errors';
import { ByteReader } from './byte-reader.js';

export interface ArMember {
  name: string;
  size: number;
  /** Read it fully or not at all; the reader skips what is left. */
  body: AsyncIterable<Buffer>;
}

const MAGIC = '!<arch>\n';

/**
 * Members of a Unix ar archive (the common format used by .deb, see deb(5)): an 8-byte magic, then
 * 60-byte headers each followed by the member, padded to an even offset. GNU `/` name tables are
 * not needed for .deb (its names are short) and are refused.
 */
export async function* readAr(source: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<ArMember> {
  const r = new ByteReader(source, what);
  try {
    const magic = (await r.read(8)).toString('latin1');
    if (magic !== MAGIC) throw new InputError(`${what} is not an ar archive (bad magic)`);
    while (!(await r.atEnd())) {
      const h = (await r.read(60)).toString('latin1');
      if (h.slice(58, 60) !== '`\n') throw new InputError(`${what}: bad ar member header`);
      let name = h.slice(0, 16).trimEnd();
      if (name.endsWith('/') && name !== '/') name = name.slice(0, -1);
      if (name === '/' || name === '//' || name.startsWith('#1/')) throw new InputError(`${what}: unsupported ar member name ${JSON.stringify(name)}`);
      const sizeText = h.slice(48, 58).trim();
      if (!/^\d+$/.test(sizeText)) throw new InputError(`${what}: bad size in ar member ${name}`);
      const size = Number(sizeText);
      let consumed = false;
      const body = r.stream(size);
      yield { name, size, body: { [Symbol.asyncIterator]: () => { consumed = true; return body; } } };
      if (!consumed) await r.skip(size);
      else for await (const _ of body) { /* rest of a partly read body */ }
      if (size % 2 === 1 && !(await r.atEnd())) await r.read(1);
    }
  } finally {
    await r.close();
  }
}
