import { C2wError, EnvironmentError, ExitCode, InputError, UsageError, withContext } from '../src/index.js';

describe('C2wError', () => {
  it('maps each class to its documented exit code', () => {
    expect(new InputError('x').exitCode).toBe(1);
    expect(new UsageError('x').exitCode).toBe(2);
    expect(new EnvironmentError('x').exitCode).toBe(3);
    expect(ExitCode.internal).toBe(70);
  });

  it('keeps class, code and cause when context is added', () => {
    const inner = new InputError('digest mismatch');
    const outer = withContext('reading layer 2 of 3', inner);
    expect(outer).toBeInstanceOf(InputError);
    expect((outer as C2wError).exitCode).toBe(1);
    expect(outer.message).toBe('reading layer 2 of 3: digest mismatch');
    expect(outer.cause).toBe(inner);
  });

  it('turns foreign errors into input errors only when asked', () => {
    expect(withContext('here', new Error('boom'), true)).toBeInstanceOf(InputError);
    expect(withContext('here', new Error('boom'))).not.toBeInstanceOf(C2wError);
  });
});
