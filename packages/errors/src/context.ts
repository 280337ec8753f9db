import { C2wError, EnvironmentError, InputError } from './c2w-error.js';
import { isEnvironmentFault } from './system-error.js';

/**
 * Prefix an error with where it happened (`reading layer 3 of 5: ...`) while keeping its class and
 * exit code. Unknown errors become InputError only when `asInput` says the data is to blame; a full
 * disk or a permission error becomes an EnvironmentError (exit 3) whatever `asInput` says.
 * A message that already starts with `where` is left alone: errors often pass two handlers of the
 * same layer or file, and `layer 1 of 4: layer 1 of 4: ...` helps nobody.
 */
export function withContext(where: string, err: unknown, asInput = false): Error {
  if (err instanceof Error && (saysWhere(err.message, where) || saysWhere(err.message, where.split(': ')[0] as string))) return err;
  if (err instanceof C2wError) {
    const wrapped = Object.create(Object.getPrototypeOf(err)) as C2wError;
    Object.assign(wrapped, err);
    Object.defineProperty(wrapped, 'message', { value: `${where}: ${err.message}`, enumerable: false, writable: true });
    Object.defineProperty(wrapped, 'stack', { value: err.stack, enumerable: false, writable: true });
    Object.defineProperty(wrapped, 'cause', { value: err, enumerable: false, writable: true });
    return wrapped;
  }
  if (isEnvironmentFault(err)) return new EnvironmentError(`${where}: ${describe(err)}`, { cause: err });
  if (asInput) return new InputError(`${where}: ${describe(err)}`, { cause: err });
  if (err instanceof Error) {
    err.message = `${where}: ${err.message}`;
    return err;
  }
  return new Error(`${where}: ${String(err)}`);
}

/**
 * `layer 1 of 4: x` and `layer 1 of 4 is truncated` say where already, for `layer 1 of 4` and for
 * `layer 1 of 4: entry "a"` (the outer part is what a reader needs); `layer 1 of 40: x` does not.
 */
function saysWhere(message: string, where: string): boolean {
  return message.startsWith(where) && (message.length === where.length || message[where.length] === ':' || message[where.length] === ' ');
}

/** One-line description of any thrown value. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}
