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
  const parts = children.map((c) => split(c.name, c.isDir));
  const plain = parts.map((p, i) => join(p.base, p.ext, children[i]!.isDir));
  const count = new Map<string, number>();
  for (const id of plain) count.set(id, (count.get(id) ?? 0) + 1);
  const taken = new Set(plain.filter((id) => count.get(id) === 1));
  let counter = 0;
  return plain.map((id, i) => {
    if (count.get(id) === 1) return id;
    const { base, ext } = parts[i]!;
    const isDir = children[i]!.isDir;
    const max = isDir ? DIR_MAX : FILE_MAX - ext.length;
    for (;;) {
      const digits = String(++counter);
      const candidate = join(base.slice(0, Math.max(0, max - digits.length)) + digits, ext, isDir);
      if (!taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  });
}
