/**
 * Progress on stderr for humans. In a terminal: one status line with a spinner, redrawn in place
 * (at most every 80 ms) under the permanent note lines. Anywhere else (pipes, CI logs, files):
 * the note lines only, so logs stay plain text and diffable.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** A line that stays (stage started or finished, warnings). */
  note(message: string): void;
  /** The transient state of the current stage (counters); drawn only in a terminal. */
  status(message: string): void;
  /** Clears the status line; call once at the end, also on errors. */
  stop(): void;
}

export function createProgress(prefix: string, stream: ProgressStream = process.stderr, interactive = isInteractive(stream)): Progress {
  if (!interactive) {
    return { note: (m) => void stream.write(`${prefix}: ${m}\n`), status: () => undefined, stop: () => undefined };
  }
  let current = '';
  let frame = 0;
  let drawn = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    // A pty with no size set (script(1), some CI runners) reports 0 columns: draw for 80.
    const width = Math.max(20, (stream.columns || 80) - 1);
    const line = `${FRAMES[frame % FRAMES.length]} ${prefix}: ${current}`;
    stream.write(CLEAR_LINE + (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    drawn = true;
  };
  const clear = () => {
    if (drawn) stream.write(CLEAR_LINE);
    drawn = false;
  };
  return {
    note(message) {
      clear();
      stream.write(`${prefix}: ${message}\n`);
      if (current) draw();
    },
    status(message) {
      current = message;
      if (!timer) {
        draw();
        timer = setInterval(() => { frame++; draw(); }, 80);
        timer.unref();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      current = '';
      clear();
    },
  };
}

/** A terminal that is not a dumb one, unless NO_COLOR-style opt-outs or CI say otherwise. */
function isInteractive(stream: ProgressStream): boolean {
  return Boolean(stream.isTTY) && process.env['TERM'] !== 'dumb' && !process.env['CI'];
}
