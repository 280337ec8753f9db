import { ExitCode, type ExitCodeName } from './exit-codes.js';

/**
 * Base class of every expected failure. The message is one line that says what failed, what was
 * expected and where; `cause` keeps the chain for --debug output.
 */
export class C2wError extends Error {
  readonly kind: ExitCodeName;

  constructor(kind: ExitCodeName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
  }

  get exitCode(): number {
    return ExitCode[this.kind];
  }
}

/** Corrupt, truncated, hostile or otherwise unacceptable input (exit 1). */
export class InputError extends C2wError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

/** The invocation is wrong (exit 2). */
export class UsageError extends C2wError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}

/** Network, file system or missing-tool failures outside the input's fault (exit 3). */
export class EnvironmentError extends C2wError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('environment', message, options);
  }
}
