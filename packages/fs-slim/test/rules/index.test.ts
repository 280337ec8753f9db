import { readFileSync } from 'node:fs';
import { builtinRules, rulesFor } from '../../src/rules/index.js';

describe('the rule table', () => {
  const rules = builtinRules({ locales: [] });

  it('has unique ids, each documented in the README with its profile', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(readme).toMatch(new RegExp(`\\| \`${r.id}\` \\| ${r.profile} \\|`));
  });

  it('is cumulative across profiles, and --remove rules come first', () => {
    const ids = (p: 'none' | 'safe' | 'standard' | 'aggressive') => rulesFor(p, ['x'], { locales: [] }).map((r) => r.id);
    expect(ids('none')).toEqual(['remove:x']);
    expect(ids('safe').length).toBeLessThan(ids('standard').length);
    expect(ids('aggressive')).toEqual(['remove:x', ...rules.map((r) => r.id)]);
  });
});
