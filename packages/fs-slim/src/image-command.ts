import type { Tree } from './tree.js';

/** The parts of an image config that say what the image runs. */
export interface ImageRuntime {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHELLS = /(^|\/)(sh|bash|dash|ash|zsh|ksh|busybox)$/;
const MAX_DEPTH = 8;

export function envValue(env: readonly string[], name: string): string | undefined {
  const hit = [...env].reverse().find((kv) => kv.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

/** Locale names the image selects (LANG, LC_ALL, LC_MESSAGES, LANGUAGE). */
export function imageLocales(runtime: ImageRuntime | undefined): string[] {
  if (!runtime) return [];
  const names = ['LANG', 'LC_ALL', 'LC_MESSAGES'].map((n) => envValue(runtime.env, n));
  const language = envValue(runtime.env, 'LANGUAGE')?.split(':') ?? [];
  return [...names, ...language].filter((v): v is string => !!v);
}

/**
 * Entries the image's command needs: the executable found through PATH (and every symlink on the
 * way), the interpreter named by its `#!` line, recursively, and every argument word that names a
 * path in the tree (absolute, or relative to WorkingDir). Words of `sh -c` scripts count as
 * arguments, and the first word of such a script is looked up in PATH too.
 */
export function commandEntries(runtime: ImageRuntime, tree: Tree): Set<number> {
  const found = new Set<number>();
  const path = (envValue(runtime.env, 'PATH') ?? DEFAULT_PATH).split(':').filter(Boolean);
  const cwd = runtime.workingDir || '/';
  const argv = [...runtime.entrypoint, ...runtime.cmd];

  const protect = (p: string, base: string): number | undefined => {
    const r = tree.resolve(p, base);
    if (r.entry === undefined) return undefined;
    r.via.forEach((i) => found.add(i));
    found.add(r.entry);
    return r.entry;
  };
  const executable = (word: string, depth: number): void => {
    if (depth > MAX_DEPTH || !word) return;
    const candidates = word.includes('/') ? [word.startsWith('/') ? word : `${cwd}/${word}`] : path.map((d) => `${d}/${word}`);
    for (const candidate of candidates) {
      const hit = protect(candidate, '');
      const entry = hit === undefined ? undefined : tree.entries[hit];
      if (!entry || entry.type === 'directory') continue;
      if (entry.shebang) interpreter(entry.shebang, depth + 1);
      return;
    }
  };
  const interpreter = (line: string, depth: number): void => {
    const [interp, ...rest] = line.split(/\s+/).filter(Boolean);
    if (!interp) return;
    executable(interp, depth);
    // `#!/usr/bin/env python3`: env looks its argument up in PATH.
    if (/(^|\/)env$/.test(interp)) executable(rest.find((w) => !w.startsWith('-')) ?? '', depth);
  };

  const [exe, ...args] = argv;
  if (exe) executable(exe, 0);
  args.forEach((arg, i) => {
    const words = arg.split(/[\s;&|()<>`"']+/).filter(Boolean);
    if (exe && SHELLS.test(exe) && args[i - 1] === '-c' && words[0]) executable(words[0], 0);
    for (const word of words) if (!word.startsWith('-')) protect(word, word.startsWith('/') ? '' : cwd);
  });
  return found;
}
