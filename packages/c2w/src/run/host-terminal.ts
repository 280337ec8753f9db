// c2w run -t: the host terminal for the run (docs/decisions/0036-container-tty.md). Raw, so each
// key reaches the container's pty, whose line discipline echoes and edits (and turns Ctrl-C into
// SIGINT there); restored however the run ends.
import { spawnSync } from 'node:child_process';
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
 * Output processing (OPOST) is turned off on stdout's terminal too, as docker's client does: the
 * container's pty already turned its `\n` into `\r\n`, and Node's raw mode keeps ONLCR, which
 * would make that `\r\r\n` (docs/decisions/0042-crun-guest-runtime.md).
 */
export function rawHostTerminal(stdin: ReadStream = process.stdin as ReadStream, stdout: { readonly isTTY?: boolean; readonly fd: number } = { isTTY: process.stdout.isTTY, fd: 1 }): () => void {
  // saved before raw mode, so it is the terminal as the user had it
  const output = stdout.isTTY ? savedTerminal(stdout.fd) : undefined;
  stdin.setRawMode(true);
  if (output !== undefined) stty(stdout.fd, ['-opost']);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.removeListener('exit', restore);
    if (!stdin.destroyed) stdin.setRawMode(false);
    if (output !== undefined) stty(stdout.fd, [output]);
  };
  process.once('exit', restore);
  return restore;
}

/** `stty -g` of the terminal on `fd`: its settings in a form stty takes back; undefined if stty cannot read them. */
function savedTerminal(fd: number): string | undefined {
  const r = spawnSync('stty', ['-g'], { stdio: [fd, 'pipe', 'ignore'], encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** stty on the terminal on `fd` (stty acts on its stdin). Best effort: a terminal that refuses keeps Node's raw mode. */
function stty(fd: number, args: string[]): void {
  spawnSync('stty', args, { stdio: [fd, 'ignore', 'ignore'] });
}
