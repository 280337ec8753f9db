import { InputError, UsageError } from '@c2w/errors';

export const MIB = 2 ** 20;
/** V8 (Node, Chrome) refuses modules over 1 GiB; the default leaves 1 MiB of headroom for headers and code. */
export const V8_MAX_MODULE_MIB = 1024;
export const DEFAULT_MAX_MODULE_MIB = V8_MAX_MODULE_MIB - 1;
export const MAX_DATA_SEGMENTS = 100_000; // the JS API's cap, per module and in total

/** Parses --max-module-size (MiB, an integer 1..1024). */
export function parseMaxModuleSize(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > V8_MAX_MODULE_MIB) {
    throw new UsageError(`--max-module-size ${text} is out of range, expected an integer number of MiB from 1 to ${V8_MAX_MODULE_MIB}`);
  }
  return value;
}

/** Checks done before anything is written: the input's segment count. */
export function checkSegmentCount(count: number): void {
  if (count > MAX_DATA_SEGMENTS) throw new InputError(`the input has ${count} data segments, expected at most ${MAX_DATA_SEGMENTS} (the JS API's limit)`);
}
// V8 takes at most 65,520 br_table targets; init's table has one per segment plus the default.
export const MAX_SEGMENTS_PER_MODULE = 65_519;
