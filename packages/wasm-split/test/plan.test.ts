import { InputError } from '@c2w/errors';
import { MAX_SEGMENTS_PER_MODULE, MIB } from '../src/budgets.js';
import { dataModuleSize } from '../src/data-module.js';
import { planSideModules } from '../src/plan.js';

const seg = (index: number, size: number, passive = true) => ({ index, passive, start: 0, dataStart: 0, dataLength: Math.round(size) });

describe('planSideModules', () => {
  it('packs consecutive passive segments up to the limit, leaves active ones, names modules in order', () => {
    const segments = [seg(0, 500, false), seg(1, 0.6 * MIB), seg(2, 0.3 * MIB), seg(3, 0.2 * MIB), seg(4, 0.9 * MIB), seg(5, 10)];
    const plans = planSideModules(segments, 1);
    expect(plans.map((p) => ({ file: p.file, segments: p.segments.map((s) => s.index) }))).toEqual([
      { file: 'data-0.wasm', segments: [1, 2] },
      { file: 'data-1.wasm', segments: [3] },
      { file: 'data-2.wasm', segments: [4, 5] },
    ]);
    for (const p of plans) {
      expect(p.size).toBe(dataModuleSize(p.segments.map((s) => s.dataLength)));
      expect(p.size).toBeLessThanOrEqual(MIB);
    }
  });

  it('fills a module to exactly the limit', () => {
    let fits = MIB - dataModuleSize([0]);
    while (dataModuleSize([fits]) > MIB) fits--; // LEB128 lengths grow with the segment
    expect(dataModuleSize([fits])).toBe(MIB);
    expect(planSideModules([seg(0, fits), seg(1, 0)], 1).map((p) => p.segments.length)).toEqual([1, 1]);
    expect(planSideModules([seg(0, fits - 64), seg(1, 0)], 1).map((p) => p.segments.length)).toEqual([2]);
    expect(() => planSideModules([seg(0, fits + 1)], 1)).toThrow(InputError);
  });

  it('puts at most MAX_SEGMENTS_PER_MODULE segments in a module (V8\'s br_table limit)', () => {
    const many = Array.from({ length: MAX_SEGMENTS_PER_MODULE + 2 }, (_, i) => seg(i, 1));
    expect(planSideModules(many, 1024).map((p) => p.segments.length)).toEqual([MAX_SEGMENTS_PER_MODULE, 2]);
  });

  it('refuses a segment bigger than a side module can be, naming it', () => {
    expect(() => planSideModules([seg(0, 10), seg(7, MIB)], 1)).toThrow(InputError);
    expect(() => planSideModules([seg(7, MIB)], 1)).toThrow(/^data segment 7 is 1048576 bytes: a side module holding it would be \d+ bytes, over --max-module-size 1 MiB$/);
  });
});
