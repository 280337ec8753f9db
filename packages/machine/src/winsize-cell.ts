/**
 * The host terminal's size, shared between the host's event loop (which learns of resizes) and
 * the machine's thread (which reads it through the `--winsize` channel, wasi-winsize.ts). Only the
 * newest size matters, so this is a cell, not a queue: a sequence number says it changed.
 */
const SEQ = 0;
const ROWS = 1;
const COLS = 2;

export interface Winsize {
  rows: number;
  cols: number;
}

export class WinsizeCell {
  readonly sab: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(sab: SharedArrayBuffer = new SharedArrayBuffer(12)) {
    this.sab = sab;
    this.words = new Int32Array(sab, 0, 3);
  }

  /** Host: a new size (clamped to the tty's 16-bit fields); bumps the sequence. */
  set(size: Winsize): void {
    const clamp = (n: number) => Math.max(0, Math.min(0xffff, Math.floor(n)));
    Atomics.store(this.words, ROWS, clamp(size.rows));
    Atomics.store(this.words, COLS, clamp(size.cols));
    Atomics.add(this.words, SEQ, 1);
  }

  /** The sequence number: differs from an earlier reading once a new size was set. */
  seq(): number {
    return Atomics.load(this.words, SEQ);
  }

  get(): Winsize {
    return { rows: Atomics.load(this.words, ROWS), cols: Atomics.load(this.words, COLS) };
  }
}
