import { EnvironmentError } from './c2w-error.js';

/**
 * errno codes that mean the machine failed us, not the input and not c2w: a full disk, an I/O
 * error, missing permissions, too many open files. They are reported as exit 3, never as a bug.
 */
const ENVIRONMENT_CODES = new Set([
  'ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'ENOMEM',
  'EBUSY', 'ETXTBSY', 'ESTALE', 'ENXIO', 'ENODEV', 'EAGAIN', 'EXDEV',
]);

/** Node system errors (ENOENT, EACCES, ...) carry a code and a syscall. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** A system error whose code blames the environment (see ENVIRONMENT_CODES). */
export function isEnvironmentFault(err: unknown): err is NodeJS.ErrnoException {
  return isSystemError(err) && ENVIRONMENT_CODES.has(err.code as string);
}

/** The first system error in a cause chain (wrappers keep the original as `cause`). */
export function systemErrorIn(err: unknown): NodeJS.ErrnoException | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (isSystemError(e)) return e;
  }
  return undefined;
}

/** `<action> failed: ENOSPC` as an EnvironmentError; `action` names the path (`writing output tar out.tar`). */
export function environmentFailure(action: string, err: unknown): EnvironmentError {
  const code = systemErrorIn(err)?.code ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
  return new EnvironmentError(`${action} failed: ${code}`, { cause: err });
}
