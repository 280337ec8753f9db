import { ExitCode } from '@c2w/errors';

let installed = false;

/**
 * Process-wide behaviour every CLI needs once: survive `| head` (EPIPE on stdout ends the process
 * quietly with status 0, as oclif/core does), fail any other stdout write error (a redirect onto a
 * full disk) with one line and exit 3, and turn SIGINT/SIGTERM into a normal exit so the 'exit'
 * hooks that remove temporary outputs run.
 */
export function installProcessGuards(tool = 'c2w'): void {
  if (installed) return;
  installed = true;
  // oclif/core adds a listener at load time that rethrows anything but EPIPE: an uncaught stack.
  process.stdout.removeAllListeners('error');
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`${tool}: writing standard output failed: ${err.code ?? err.message}\n`);
    process.exit(ExitCode.environment);
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => process.exit(code));
  }
}
