/**
 * Joliet identifiers: UCS-2, at most 64 characters (103 with --joliet-long, as xorriso allows).
 * Joliet must never fail: characters Joliet forbids or cannot encode (outside the BMP) become `_`,
 * a name byte that is not UTF-8 (held as U+DC80..U+DCFF, see streams' byte-names.ts) becomes the
 * private-use U+EF80..U+EFFF (MirBSD's OPTU-16 mapping), so such names stay distinct and readable,
 * long names are cut keeping their extension, and names that collide after that get a counter
 * before the extension (`cython_debug_info_sage.geometry.polyhe1.face_iterator`), as xorriso does.
 */

import { escapedByte } from '@c2w/streams';
import { uniqueIds } from './iso-names.js';

// Joliet forbids * / : ; ? \ and control characters in identifiers.
const FORBIDDEN = /[\u0000-\u001f*/:;?\\]/g;

/** U+EF00 + byte: the Joliet form of a name byte that is not UTF-8 (always 0x80..0xFF). */
const ESCAPED_BYTE_BASE = 0xef00;

// Anything jolietText would change: a forbidden character or half of a surrogate pair.
const NEEDS_MAPPING = /[\u0000-\u001f*/:;?\\\ud800-\udfff]/;

export function jolietText(name: string): string {
  if (!NEEDS_MAPPING.test(name)) return name; // the common case, without building a copy
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) { out += name[i]; continue; }
    if (c <= 0xdbff) {
      // a pair is a character outside the BMP, which UCS-2 cannot hold
      const low = name.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
      out += '_';
      continue;
    }
    const byte = escapedByte(name, i);
    out += byte >= 0 ? String.fromCharCode(ESCAPED_BYTE_BASE + byte) : '_';
  }
  return out.replace(FORBIDDEN, '_');
}

function split(name: string, isDir: boolean, max: number): { base: string; ext: string } {
  const text = jolietText(name) || '_';
  const dot = text.lastIndexOf('.');
  const ext = !isDir && dot > 0 && text.length - dot <= Math.floor(max / 3) ? text.slice(dot) : '';
  const base = text.slice(0, text.length - ext.length);
  return { base: base.slice(0, max - ext.length), ext };
}

/** Unique Joliet identifiers (without `;1`) for one directory's children, in Rock Ridge name order. */
export function jolietIdentifiers(children: ReadonlyArray<{ name: string; isDir: boolean }>, max: number): string[] {
  const plain = children.map((c) => {
    const text = jolietText(c.name) || '_';
    if (text.length <= max) return text; // uncut: shares the name's string (most names)
    const { base, ext } = split(c.name, c.isDir, max);
    return base + ext;
  });
  return uniqueIds(plain, (i, counter) => {
    const { base, ext } = split(children[i]!.name, children[i]!.isDir, max);
    const digits = String(counter);
    return base.slice(0, Math.max(0, max - ext.length - digits.length)) + digits + ext;
  });
}
