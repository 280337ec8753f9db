import { UsageError } from '@c2w/errors';

/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org): unset or empty -> undefined, so each command picks
 * its own default; a non-negative safe integer of seconds -> that number; anything else is a usage
 * error, because silently falling back to "now" or 0 would make a build quietly irreproducible.
 * Commands read it here; libraries take the epoch as an option and never read process.env.
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a number of seconds, expected a non-negative integer`);
  }
  return value;
}
