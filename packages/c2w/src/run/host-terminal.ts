// c2w run -t: the host terminal for the run (docs/decisions/0036-container-tty.md). Raw, so each
// key reaches the container's pty, whose line discipline echoes and edits (and turns Ctrl-C into
// SIGINT there); restored however the run ends.
import type { ReadStream, WriteStream } from 'node:tty';
import type { TerminalSize } from '@c2w/machine';

/** The terminal whose size the container follows: stdout, else stderr, as Docker takes it. */
export function hostTerminalSize(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): TerminalSize {
  const tty = streams.find((s) => s.isTTY) as WriteStream | undefined;
  return {
    // no terminal on either (`c2w run -t B > file`): 0x0, which runc leaves alone, as Docker does
    size: () => (tty ? { rows: tty.rows, cols: tty.columns } : { rows: 0, cols: 0 }),
    onResize(listener) {
      // Node refreshes rows/columns on SIGWINCH, then emits 'resize'
      tty?.on('resize', listener);
      return () => { tty?.removeListener('resize', listener); };
    },
  };
}

/**
 * Puts `stdin` (a terminal) in raw mode and returns the restore. The restore also runs at process
 * exit; Node itself resets the terminal when SIGINT or SIGTERM end it.
 */
export function rawHostTerminal(stdin: ReadStream = process.stdin as ReadStream): () => void {
  stdin.setRawMode(true);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.removeListener('exit', restore);
    if (!stdin.destroyed) stdin.setRawMode(false);
  };
  process.once('exit', restore);
  return restore;
}
