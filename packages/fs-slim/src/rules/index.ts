import { profileIncludes, type Profile } from '../profiles.js';
import { subtreeTest } from '../globs.js';
import { aggressiveRules } from './aggressive.js';
import { localesRule } from './locales.js';
import type { Rule, RuleContext } from './rule.js';
import { safeRules } from './safe.js';
import { standardRules } from './standard.js';

export type { Rule, RuleContext, RuleSubject } from './rule.js';

/** Every built-in rule in report order (the first rule that matches an entry is credited). */
export function builtinRules(context: RuleContext): Rule[] {
  return [...safeRules.slice(0, 1), localesRule(context), ...safeRules.slice(1), ...standardRules, ...aggressiveRules];
}

/** `--remove GLOB` as a rule: the glob's matches and everything beneath them. */
export function userRemoveRule(glob: string): Rule {
  const test = subtreeTest(glob);
  return {
    id: `remove:${glob}`,
    profile: 'user',
    what: `--remove ${glob}`,
    why: 'asked for on the command line',
    removesDirectories: true,
    matches: ({ path }) => test(path),
  };
}

export function rulesFor(profile: Profile, removeGlobs: readonly string[], context: RuleContext): Rule[] {
  const builtin = builtinRules(context).filter((r) => r.profile !== 'user' && profileIncludes(profile, r.profile));
  return [...removeGlobs.map(userRemoveRule), ...builtin];
}
