import { EnvironmentError, InputError, withContext } from '../src/index.js';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });

describe('withContext', () => {
  it('adds a prefix once, however many handlers see the error', () => {
    const inner = new InputError('layer 1 of 4: gzip data is truncated or corrupt');
    expect(withContext('layer 1 of 4', inner)).toBe(inner);
    expect(withContext('layer 1 of 4', withContext('layer 1 of 4', new InputError('x'))).message).toBe('layer 1 of 4: x');
    expect(withContext('layer 1 of 4', new InputError('layer 1 of 4 is truncated')).message).toBe('layer 1 of 4 is truncated');
    expect(withContext('layer 1 of 4', new InputError('layer 1 of 40: x')).message).toBe('layer 1 of 4: layer 1 of 40: x');
    expect(withContext('layer 1 of 4', new InputError('layer 1 of 4x')).message).toBe('layer 1 of 4: layer 1 of 4x');
    expect(withContext('input a.tar: entry "f"', new InputError('input a.tar is truncated')).message).toBe('input a.tar is truncated');
    expect(withContext('input a.tar: entry "f"', new InputError('too long')).message).toBe('input a.tar: entry "f": too long');
  });

  it('makes a full disk or a permission error an environment error, whatever asInput says', () => {
    for (const asInput of [false, true]) {
      const e = withContext('input a.tar', enospc(), asInput);
      expect(e).toBeInstanceOf(EnvironmentError);
      expect(e.message).toBe('input a.tar: ENOSPC: no space left on device, write');
      expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
  });
});
