export { ExitCode, type ExitCodeName } from './exit-codes.js';
export { C2wError, InputError, UsageError, EnvironmentError } from './c2w-error.js';
export { withContext, describe, isSystemError } from './context.js';
