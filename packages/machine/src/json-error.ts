// Where a JSON text first goes wrong, as line and column, for one-line config errors that match the
// native build's (native/config.c). JSON.parse's own messages differ between Node versions: some
// have no position, and some quote the whole input, newlines included.

export interface JsonErrorAt {
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The first syntax error of `text` (RFC 8259), or null when it is valid JSON. */
export function jsonErrorAt(text: string): JsonErrorAt | null {
  let i = 0;
  const fail = (message: string): never => { throw new Stop(i, i >= text.length ? 'unexpected end of file' : message); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) fail('control character in string (escape it)');
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) { i += k; fail('bad \\u escape in string'); }
          i += 4;
        } else if (i >= text.length || !'"\\/bfnrt'.includes(text[i]!)) fail('bad escape in string');
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (close === '}') {
          ws();
          if (text[i] !== '"') fail('expected a string');
          string();
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
        }
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail(`expected ',' or '${close}'`);
      }
    }
    if (c === '"') return string();
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) { i += lit.length; return; }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) { i = NUMBER.lastIndex; return; }
    fail('expected a JSON value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected data after the JSON value');
    return null;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.offset);
    const nl = before.lastIndexOf('\n');
    return { line: before.split('\n').length, column: e.offset - nl, message: e.message };
  }
}
