import { C2wError, InputError } from './c2w-error.js';

/**
 * Prefix an error with where it happened (`reading layer 3 of 5: ...`) while keeping its class and
 * exit code. Unknown errors become InputError only when `asInput` says the data is to blame.
 */
export function withContext(where: string, err: unknown, asInput = false): Error {
  if (err instanceof C2wError) {
    const wrapped = Object.create(Object.getPrototypeOf(err)) as C2wError;
    Object.assign(wrapped, err);
    Object.defineProperty(wrapped, 'message', { value: `${where}: ${err.message}`, enumerable: false, writable: true });
    Object.defineProperty(wrapped, 'stack', { value: err.stack, enumerable: false, writable: true });
    Object.defineProperty(wrapped, 'cause', { value: err, enumerable: false, writable: true });
    return wrapped;
  }
  if (asInput) return new InputError(`${where}: ${describe(err)}`, { cause: err });
  if (err instanceof Error) {
    err.message = `${where}: ${err.message}`;
    return err;
  }
  return new Error(`${where}: ${String(err)}`);
}

/** One-line description of any thrown value. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** Node system errors (ENOENT, EACCES, ...) carry a code; these are environment, not input, faults. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
