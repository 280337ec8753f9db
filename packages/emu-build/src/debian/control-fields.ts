import { InputError } from '@c2w/errors';

/** One paragraph of a Debian control file (Packages index, InRelease): field name -> value. */
export type Stanza = Map<string, string>;

/**
 * Splits deb822 text into paragraphs. Continuation lines (leading space or tab) are joined with
 * `\n`, so multi-line fields such as InRelease's SHA256 list keep one entry per line.
 */
export function* parseStanzas(text: string, what: string): Generator<Stanza> {
  let current: Stanza = new Map();
  let last: string | undefined;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line === '' || /^\s*$/.test(line)) {
      if (current.size) yield current;
      current = new Map();
      last = undefined;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (last === undefined) throw new InputError(`${what}: line ${lineNo}: continuation line without a field`);
      current.set(last, `${current.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InputError(`${what}: line ${lineNo}: expected "Field: value", got ${JSON.stringify(line.slice(0, 60))}`);
    last = line.slice(0, colon);
    current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size) yield current;
}

/** Same as parseStanzas over a stream of text chunks; holds one paragraph at a time. */
export async function* parseStanzaStream(chunks: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Stanza> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let cut = pending.lastIndexOf('\n\n');
    if (cut < 0) continue;
    cut += 2;
    yield* parseStanzas(pending.slice(0, cut), what);
    pending = pending.slice(cut);
  }
  pending += decoder.decode();
  yield* parseStanzas(pending, what);
}
