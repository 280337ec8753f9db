import { ExitCode, UsageError } from '@c2w/errors';
import { sourceDateEpoch } from '../src/index.js';

describe('sourceDateEpoch', () => {
  it('is undefined when unset or empty, so each command keeps its own default', () => {
    expect(sourceDateEpoch({})).toBeUndefined();
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '' })).toBeUndefined();
  });

  it('reads a non-negative integer of seconds', () => {
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '0' })).toBe(0);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1700000000);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: String(Number.MAX_SAFE_INTEGER) })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['-1', '1.5', '1e9', ' 17', '17 ', '0x10', 'now', String(Number.MAX_SAFE_INTEGER + 2)])('refuses %j as a usage error naming the variable and value', (raw) => {
    let caught: unknown;
    try {
      sourceDateEpoch({ SOURCE_DATE_EPOCH: raw });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(ExitCode.usage);
    expect((caught as Error).message).toBe(`SOURCE_DATE_EPOCH=${JSON.stringify(raw)} is not a number of seconds, expected a non-negative integer`);
  });
});
