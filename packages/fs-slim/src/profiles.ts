/** Profiles are cumulative: each enables its own rules and every rule of the profiles before it. */
export const PROFILES = ['none', 'safe', 'standard', 'aggressive'] as const;
export type Profile = (typeof PROFILES)[number];
export type RuleLevel = Exclude<Profile, 'none'>;

export function profileIncludes(profile: Profile, level: RuleLevel): boolean {
  return PROFILES.indexOf(profile) >= PROFILES.indexOf(level);
}
