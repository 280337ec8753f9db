/**
 * Joliet identifiers: UCS-2, at most 64 characters (103 with --joliet-long, as xorriso allows).
 * Joliet must never fail: characters Joliet forbids or cannot encode (outside the BMP) become `_`,
 * long names are cut keeping their extension, and names that collide after that get a counter
 * before the extension (`cython_debug_info_sage.geometry.polyhe1.face_iterator`), as xorriso does.
 */

// Joliet forbids * / : ; ? \ and control characters in identifiers.
const FORBIDDEN = /[\u0000-\u001f*/:;?\\]/g;

export function jolietText(name: string): string {
  let out = '';
  for (const ch of name) out += ch.length > 1 ? '_' : ch; // a surrogate pair is outside the BMP
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
  const parts = children.map((c) => split(c.name, c.isDir, max));
  const plain = parts.map((p) => p.base + p.ext);
  const count = new Map<string, number>();
  for (const id of plain) count.set(id, (count.get(id) ?? 0) + 1);
  const taken = new Set(plain.filter((id) => count.get(id) === 1));
  let counter = 0;
  return plain.map((id, i) => {
    if (count.get(id) === 1) return id;
    const { base, ext } = parts[i]!;
    for (;;) {
      const digits = String(++counter);
      const candidate = base.slice(0, Math.max(0, max - ext.length - digits.length)) + digits + ext;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  });
}
