import { InputError, UsageError } from '@c2w/errors';
import { checkSegmentCount, DEFAULT_MAX_MODULE_MIB, MAX_DATA_SEGMENTS, parseMaxModuleSize } from '../src/budgets.js';

describe('budgets', () => {
  it('takes integer MiB from 1 to 1024 and defaults under V8\'s 1 GiB', () => {
    expect([parseMaxModuleSize('1'), parseMaxModuleSize('1024'), parseMaxModuleSize('64')]).toEqual([1, 1024, 64]);
    expect(DEFAULT_MAX_MODULE_MIB).toBeLessThan(1024);
    for (const bad of ['0', '1025', '-1', '1.5', '', 'ten', '1e3']) expect(() => parseMaxModuleSize(bad)).toThrow(UsageError);
  });

  it('refuses more than 100,000 segments', () => {
    expect(() => checkSegmentCount(MAX_DATA_SEGMENTS)).not.toThrow();
    expect(() => checkSegmentCount(MAX_DATA_SEGMENTS + 1)).toThrow(InputError);
    expect(() => checkSegmentCount(MAX_DATA_SEGMENTS + 1)).toThrow(/100001 data segments, expected at most 100000/);
  });
});
