/**
 * ISO 9660 identifiers for the primary tree (interchange level 3 naming, ECMA-119 7.5, 7.6):
 * d-characters only (A-Z 0-9 _), files `NAME.EXT` with name + extension <= 30, directories <= 31.
 * Readers with Rock Ridge show the NM names; these only have to be valid and unique per directory,
 * so collisions get a decimal counter at the end of the name part.
 */

const FILE_MAX = 30;
const DIR_MAX = 31;
const EXT_MAX = 8;

function dchars(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function split(name: string, isDir: boolean): { base: string; ext: string } {
  if (isDir) return { base: dchars(name).slice(0, DIR_MAX) || '_', ext: '' };
  const dot = name.lastIndexOf('.');
  let base = dot > 0 ? name.slice(0, dot) : name;
  let ext = dot > 0 ? name.slice(dot + 1) : '';
  ext = dchars(ext).slice(0, EXT_MAX);
  base = dchars(base).slice(0, FILE_MAX - ext.length);
  if (base === '' && ext === '') base = '_';
  return { base, ext };
}

function join(base: string, ext: string, isDir: boolean): string {
  return isDir ? base : `${base}.${ext}`;
}

/**
 * Unique identifiers (without `;1`) for one directory's children, given in Rock Ridge name order.
 * A first pass keeps every identifier that is unique as it stands; the rest are numbered.
 */
export function isoIdentifiers(children: ReadonlyArray<{ name: string; isDir: boolean }>): string[] {
  const plain = children.map((c) => { const { base, ext } = split(c.name, c.isDir); return join(base, ext, c.isDir); });
  return uniqueIds(plain, (i, counter) => {
    const { base, ext } = split(children[i]!.name, children[i]!.isDir);
    const isDir = children[i]!.isDir;
    const max = isDir ? DIR_MAX : FILE_MAX - ext.length;
    const digits = String(counter);
    return join(base.slice(0, Math.max(0, max - digits.length)) + digits, ext, isDir);
  });
}

/**
 * Keeps every identifier that is unique as it stands and renames the others with `numbered(i, n)`
 * for n = 1, 2, ... (one counter per directory) until the result is free. Directories without
 * collisions, nearly all of them, cost one Map of the identifiers and nothing else.
 */
export function uniqueIds(plain: string[], numbered: (i: number, counter: number) => string): string[] {
  const count = new Map<string, number>();
  let clash = false;
  for (const id of plain) {
    const n = count.get(id);
    if (n !== undefined) clash = true;
    count.set(id, (n ?? 0) + 1);
  }
  if (!clash) return plain;
  const taken = new Set(plain.filter((id) => count.get(id) === 1));
  let counter = 0;
  return plain.map((id, i) => {
    if (count.get(id) === 1) return id;
    for (;;) {
      const candidate = numbered(i, ++counter);
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  });
}
