/**
 * Exit codes shared by every c2w command. Documented in docs/exit-codes.md; a change here is a
 * breaking change for scripts that pipe our tools.
 */
export const ExitCode = {
  ok: 0,
  /** Bad input or an integrity failure: corrupt archive, digest mismatch, hostile path. */
  input: 1,
  /** The command line itself is wrong: unknown flag, missing argument, bad value. */
  usage: 2,
  /** The environment failed us: unreachable registry, I/O error, missing tool. */
  environment: 3,
  /** The guest or container ran but failed in a way we cannot map to its own code. */
  runtime: 4,
  /** A bug in c2w: printed with a stack. */
  internal: 70,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
