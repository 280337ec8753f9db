import { InputError } from '@c2w/errors';
import { MAX_SEGMENTS_PER_MODULE, MIB } from './budgets.js';
import { SizeTracker, dataModuleSize } from './data-module.js';
import type { SegmentSpan } from './module-layout.js';

/** One side module: a run of consecutive passive segments of the input, renumbered from 0. */
export interface SidePlan { file: string; segments: SegmentSpan[]; size: number }

/**
 * Packs the passive segments, in order, into side modules of at most `maxMiB` MiB each (first fit
 * in order: consecutive segments, so a file's chunks stay together and the output is deterministic),
 * and at most MAX_SEGMENTS_PER_MODULE each (the cases of init's br_table).
 * Active segments stay in main.wasm: they are copied at instantiation and are the program's own data.
 */
export function planSideModules(segments: SegmentSpan[], maxMiB: number): SidePlan[] {
  const limit = maxMiB * MIB;
  const plans: SidePlan[] = [];
  let current: SegmentSpan[] = [];
  let tracker = new SizeTracker();
  const close = () => {
    if (current.length === 0) return;
    plans.push({ file: `data-${plans.length}.wasm`, segments: current, size: dataModuleSize(current.map((s) => s.dataLength)) });
    current = [];
    tracker = new SizeTracker();
  };
  for (const segment of segments.filter((s) => s.passive)) {
    const alone = dataModuleSize([segment.dataLength]);
    if (alone > limit) throw new InputError(`data segment ${segment.index} is ${segment.dataLength} bytes: a side module holding it would be ${alone} bytes, over --max-module-size ${maxMiB} MiB`);
    if (tracker.sizeWith(segment.dataLength) > limit || current.length === MAX_SEGMENTS_PER_MODULE) close();
    tracker.add(segment.dataLength);
    current.push(segment);
  }
  close();
  return plans;
}
