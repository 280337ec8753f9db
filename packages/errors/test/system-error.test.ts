import { EnvironmentError, environmentFailure, isEnvironmentFault, isSystemError, systemErrorIn, withContext } from '../src/index.js';

const sys = (code: string, syscall = 'write') => Object.assign(new Error(`${code}: boom, ${syscall}`), { code, syscall });

describe('system errors', () => {
  it('tells environment faults from other system errors and from plain errors', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EIO', 'EACCES', 'EROFS', 'EPERM']) expect(isEnvironmentFault(sys(code))).toBe(true);
    expect(isSystemError(sys('ENOENT', 'open'))).toBe(true);
    expect(isEnvironmentFault(sys('ENOENT', 'open'))).toBe(false);
    expect(isEnvironmentFault(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(false); // no syscall: not from the OS
  });

  it('finds the system error under wrappers', () => {
    const raw = sys('ENOSPC');
    expect(systemErrorIn(withContext('layer 2 of 3', withContext('entry "a"', raw)))).toBe(raw);
    expect(systemErrorIn(new Error('plain'))).toBeUndefined();
  });

  it('names the action and the code in one line', () => {
    const e = environmentFailure('writing output tar /o/out.tar', withContext('input a.tar', sys('ENOSPC')));
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toBe('writing output tar /o/out.tar failed: ENOSPC');
  });
});
