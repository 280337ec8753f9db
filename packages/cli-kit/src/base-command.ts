import { Command, Flags, Errors } from '@oclif/core';
import { C2wError, ExitCode, describe, isEnvironmentFault } from '@c2w/errors';
import { installProcessGuards } from './process-guards.js';
import { traceStartup } from './startup-trace.js';

/**
 * Every c2w command extends this. It owns the error -> exit code mapping (docs/exit-codes.md) so a
 * tool behaves the same standalone (`layer-flatten ...`) and under the umbrella (`c2w layer-flatten`).
 * Messages are one line: `<tool>: <what failed>`; --debug adds the cause chain and stack.
 */
export abstract class BaseCommand extends Command {
  /** The name used in messages, the same whichever binary runs the command. */
  static toolName = 'c2w';

  static override baseFlags = {
    debug: Flags.boolean({ description: 'print causes and stack traces of errors', default: false, helpGroup: 'GLOBAL' }),
  };

  protected debugEnabled = false;

  override async init(): Promise<void> {
    traceStartup(`${(this.constructor as typeof BaseCommand).toolName}: command loaded`);
    installProcessGuards((this.constructor as typeof BaseCommand).toolName);
    this.debugEnabled = this.argv.includes('--debug') || process.env['C2W_DEBUG'] === '1';
    await super.init();
  }

  /** Progress and notes for humans: stderr only, so stdout carries nothing but the artifact. */
  protected note(message: string): void {
    process.stderr.write(`${(this.constructor as typeof BaseCommand).toolName}: ${message}\n`);
  }

  override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    const tool = (this.constructor as typeof BaseCommand).toolName;
    const { code, message, showStack } = classify(err);
    process.stderr.write(`${tool}: ${message}\n`);
    if (this.debugEnabled || showStack) {
      let e: unknown = err;
      while (e instanceof Error) {
        process.stderr.write(`${e.stack ?? e.message}\n`);
        e = e.cause;
        if (e) process.stderr.write('caused by: ');
      }
    }
    process.exitCode = code;
  }
}

function classify(err: Error & { oclif?: { exit?: number } }): { code: number; message: string; showStack: boolean } {
  if (err instanceof C2wError) return { code: err.exitCode, message: describe(err), showStack: false };
  // oclif's parser errors (missing argument, unknown flag) carry oclif.exit = 2.
  if (err instanceof Errors.CLIError || err.oclif?.exit !== undefined) {
    const exit = err.oclif?.exit ?? ExitCode.usage;
    const message = err.message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    return { code: exit === 1 ? ExitCode.usage : exit, message, showStack: false };
  }
  // A full disk or a permission error no output owner named: still the environment, not a bug.
  if (isEnvironmentFault(err)) return { code: ExitCode.environment, message: describe(err), showStack: false };
  return { code: ExitCode.internal, message: `internal error (a bug in c2w, please report it): ${describe(err)}`, showStack: true };
}
