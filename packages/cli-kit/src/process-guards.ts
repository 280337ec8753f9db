let installed = false;

/**
 * Process-wide behaviour every CLI needs once: survive `| head` (EPIPE on stdout ends the process
 * quietly with status 0, as oclif/core does), and turn SIGINT/SIGTERM into a normal exit so the
 * 'exit' hooks that remove temporary outputs run.
 */
export function installProcessGuards(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => process.exit(code));
  }
}
