export interface Challenge { scheme: string; params: Record<string, string> }

/**
 * Parses a WWW-Authenticate header (RFC 7235): `Bearer realm="https://auth/token",service="reg",
 * scope="repository:a/b:pull"`. Quoted values may contain commas; several challenges may follow
 * each other.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let pos = 0;
  while (pos < header.length) {
    const param = /\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
    param.lastIndex = pos;
    const p = param.exec(header);
    if (p && current) {
      current.params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
      pos = param.lastIndex;
      continue;
    }
    const scheme = /\s*,?\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)\s*/y;
    scheme.lastIndex = pos;
    const s = scheme.exec(header);
    if (!s || scheme.lastIndex === pos) break;
    current = { scheme: (s[1] ?? '').toLowerCase(), params: {} };
    out.push(current);
    pos = scheme.lastIndex;
  }
  return out;
}
