export { ExitCode, type ExitCodeName } from './exit-codes.js';
export { C2wError, InputError, UsageError, EnvironmentError } from './c2w-error.js';
export { withContext, describe } from './context.js';
export { isSystemError, isEnvironmentFault, systemErrorIn, environmentFailure } from './system-error.js';
