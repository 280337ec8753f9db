import type { Rule, RuleContext } from './rule.js';

/** Message catalogs and compiled locales live in one directory per locale under these roots. */
const CATALOG_ROOTS = ['usr/share/locale', 'usr/local/share/locale', 'usr/share/locale-langpack'];
const COMPILED_ROOTS = ['usr/lib/locale'];

/**
 * The names gettext and glibc try for a locale (`de_DE.UTF-8@euro` falls back to `de_DE@euro`,
 * `de_DE`, `de`), so every directory the image's own locale would read is kept.
 */
export function localeFallbacks(locale: string): string[] {
  const m = /^([^_.@]+)(_[^.@]+)?(\.[^@]+)?(@.+)?$/.exec(locale);
  if (!m) return [locale];
  const [, lang = '', territory = '', codeset = '', modifier = ''] = m;
  const out = new Set<string>();
  for (const t of [territory, '']) for (const c of [codeset, '']) for (const mod of [modifier, '']) out.add(`${lang}${t}${c}${mod}`);
  return [...out];
}

/** `en_US.UTF-8` and the compiled directory `en_US.utf8` are the same locale. */
function normalize(locale: string): string {
  return locale.replace(/\.([^@]+)/, (_m, codeset: string) => `.${codeset.toLowerCase().replace(/-/g, '')}`);
}

export function localesRule(context: RuleContext): Rule {
  const keep = new Set(['C', 'POSIX', ...context.locales.flatMap(localeFallbacks)].map(normalize));
  const kept = (name: string) => keep.has(normalize(name)) || normalize(name).startsWith('C.');
  return {
    id: 'locales',
    profile: 'safe',
    what: 'translated messages (usr/share/locale/<lang>/) and compiled locales (usr/lib/locale/<name>/) of every locale except C, POSIX, C.* and the ones the image\'s LANG, LC_ALL, LC_MESSAGES and LANGUAGE name',
    why: 'programs fall back to the untranslated C messages; the image never selects the other locales. Files directly in the roots (locale.alias, locale-archive) stay',
    removesDirectories: false,
    matches({ path }) {
      const parts = path.split('/');
      for (const root of [...CATALOG_ROOTS, ...COMPILED_ROOTS]) {
        const depth = root.split('/').length;
        if (parts.length > depth + 1 && path.startsWith(`${root}/`)) return !kept(parts[depth] ?? '');
      }
      return false;
    },
  };
}
