/**
 * Tar and Linux names are bytes, not text. They are held as JS strings decoded with
 * "surrogateescape" (Python's PEP 383): valid UTF-8 decodes as usual and every other byte B becomes
 * the lone surrogate U+DC00+B (U+DC80..U+DCFF). Valid UTF-8 never decodes to a lone surrogate, so
 * the mapping is a bijection and '/' splitting, Map keys and comparisons keep working on the string;
 * encodeName gives back the exact bytes. See docs/decisions/0014-names-are-bytes.md.
 */

const REPLACEMENT = 0xfffd;
/** A lone escape: U+DC80..U+DCFF not preceded by a high surrogate (that would be a valid pair). */
const LONE_ESCAPE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** The bytes of buf[start, end) as a name string; never loses a byte. */
export function decodeName(buf: Buffer, start = 0, end = buf.length): string {
  const text = buf.toString('utf8', start, end);
  // Node's decoder replaces every invalid sequence with U+FFFD; without one the text is exact.
  if (text.indexOf('\ufffd') === -1) return text;
  return decodeEscaping(buf, start, end);
}

/** The original bytes of a name from decodeName (other strings: as UTF-8). */
export function encodeName(name: string): Buffer {
  if (!LONE_ESCAPE.test(name)) return Buffer.from(name, 'utf8');
  const out = Buffer.allocUnsafe(Buffer.byteLength(name));
  return out.subarray(0, writeEscaping(out, name, 0));
}

/** encodeName(name).length, without building the bytes in the common case. */
export function nameByteLength(name: string): number {
  if (!LONE_ESCAPE.test(name)) return Buffer.byteLength(name, 'utf8');
  return encodeName(name).length;
}

/** True when the name's bytes are not valid UTF-8 (it holds an escaped byte). */
export function hasEscapedBytes(name: string): boolean {
  return LONE_ESCAPE.test(name);
}

/** Writes the bytes of `name` at buf[offset] (at most `max` bytes); returns how many were written. */
export function writeName(buf: Buffer, name: string, offset: number, max = buf.length - offset): number {
  if (!LONE_ESCAPE.test(name)) return buf.write(name, offset, max, 'utf8');
  const bytes = encodeName(name);
  return bytes.copy(buf, offset, 0, Math.min(max, bytes.length));
}

/** The escaped byte of a lone surrogate code unit U+DC80..U+DCFF, else -1 (for Joliet and such). */
export function escapedByte(name: string, index: number): number {
  const c = name.charCodeAt(index);
  if (c < 0xdc80 || c > 0xdcff) return -1;
  const before = index > 0 ? name.charCodeAt(index - 1) : 0;
  return before >= 0xd800 && before <= 0xdbff ? -1 : c - 0xdc00;
}

function decodeEscaping(buf: Buffer, start: number, end: number): string {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) { units.push(b); i++; continue; }
    const n = sequenceLength(buf, i, end);
    if (n === 0) { units.push(0xdc00 + b); i++; continue; }
    let cp = n === 2 ? b & 0x1f : n === 3 ? b & 0x0f : b & 0x07;
    for (let k = 1; k < n; k++) cp = (cp << 6) | (buf[i + k]! & 0x3f);
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += n;
  }
  let text = '';
  for (let k = 0; k < units.length; k += 4096) text += String.fromCharCode(...units.slice(k, k + 4096));
  return text;
}

/** Length of the well-formed UTF-8 sequence at buf[i] (Unicode table 3-7), 0 when it is not one. */
function sequenceLength(buf: Buffer, i: number, end: number): number {
  const b = buf[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < end && buf[i + k]! >= lo && buf[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** UTF-8 of `name` with escaped bytes written as themselves; other lone surrogates as U+FFFD. */
function writeEscaping(out: Buffer, name: string, at: number): number {
  let o = at;
  for (let i = 0; i < name.length; i++) {
    let cp = name.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        cp = REPLACEMENT;
      }
    } else if (cp >= 0xdc80 && cp <= 0xdcff) {
      out[o++] = cp - 0xdc00;
      continue;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = REPLACEMENT;
    }
    if (cp < 0x80) out[o++] = cp;
    else if (cp < 0x800) { out[o++] = 0xc0 | (cp >> 6); out[o++] = 0x80 | (cp & 0x3f); }
    else if (cp < 0x10000) { out[o++] = 0xe0 | (cp >> 12); out[o++] = 0x80 | ((cp >> 6) & 0x3f); out[o++] = 0x80 | (cp & 0x3f); }
    else { out[o++] = 0xf0 | (cp >> 18); out[o++] = 0x80 | ((cp >> 12) & 0x3f); out[o++] = 0x80 | ((cp >> 6) & 0x3f); out[o++] = 0x80 | (cp & 0x3f); }
  }
  return o - at;
}
