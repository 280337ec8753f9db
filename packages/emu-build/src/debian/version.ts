/**
 * Debian version comparison (deb-version(7), dpkg's verrevcmp): epoch numerically, then upstream
 * version and revision compared in alternating non-digit / digit runs, where `~` sorts before
 * everything (even the end of the string) and letters sort before other characters.
 */
export function compareVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  if (pa.epoch !== pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  return compareParts(pa.upstream, pb.upstream) || compareParts(pa.revision, pb.revision);
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run, character by character.
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ca = i < a.length && !isDigit(a[i]) ? a[i] : undefined;
      const cb = j < b.length && !isDigit(b[j]) ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d < 0 ? -1 : 1;
      i++;
      j++;
    }
    // Digit run, numerically (leading zeros ignored; lengths compared before digits).
    let na = '';
    let nb = '';
    while (i < a.length && isDigit(a[i])) na += a[i++];
    while (j < b.length && isDigit(b[j])) nb += b[j++];
    na = na.replace(/^0+/, '');
    nb = nb.replace(/^0+/, '');
    if (na.length !== nb.length) return na.length < nb.length ? -1 : 1;
    if (na !== nb) return na < nb ? -1 : 1;
  }
  return 0;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Whether `version` satisfies a Depends relation (`<<`, `<=`, `=`, `>=`, `>>`). */
export function satisfies(version: string, op: string, wanted: string): boolean {
  const c = compareVersions(version, wanted);
  switch (op) {
    case '<<': return c < 0;
    case '<=': case '<': return c <= 0;
    case '=': return c === 0;
    case '>=': case '>': return c >= 0;
    case '>>': return c > 0;
    default: return false;
  }
}
