import type { RuleLevel } from '../profiles.js';
import { globTest } from '../globs.js';

/** What a rule sees of an entry: its canonical path and type. */
export interface RuleSubject {
  path: string;
  type: string;
}

/** Facts about the image a rule may use (the locale rule keeps the image's LANG). */
export interface RuleContext {
  /** Locale names to keep besides C and POSIX, e.g. `de_DE.UTF-8`. */
  locales: readonly string[];
}

export interface Rule {
  id: string;
  profile: RuleLevel | 'user';
  /** What it removes. */
  what: string;
  /** Why removing it does not break what the image runs. */
  why: string;
  /** Matched directories are removed too; otherwise they stay, because tools expect the structure. */
  removesDirectories: boolean;
  matches(subject: RuleSubject): boolean;
}

export interface GlobRuleSpec extends Omit<Rule, 'matches' | 'removesDirectories'> {
  include: readonly string[];
  exclude?: readonly string[];
  removesDirectories?: boolean;
}

export function globRule(spec: GlobRuleSpec): Rule {
  const include = globTest(spec.include);
  const exclude = globTest(spec.exclude ?? []);
  const { include: _i, exclude: _e, ...rest } = spec;
  return { ...rest, removesDirectories: spec.removesDirectories ?? false, matches: ({ path }) => include(path) && !exclude(path) };
}
