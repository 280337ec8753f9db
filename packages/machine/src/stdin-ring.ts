/**
 * The guest console's input as a single-producer, single-consumer byte ring in a SharedArrayBuffer.
 * The host's event loop (main thread) writes what arrives on stdin; the machine (a worker blocked
 * in wasm) reads it without ever asking the host OS, so one code path serves pipes, files,
 * terminals, /dev/null and, later, a browser page. Counters only grow (wrapping at 2^32 is fine:
 * they are compared by difference).
 */
const WRITTEN = 0;
const READ = 1;
const EOF = 2;
/** Counts every event the machine may wait for (input, EOF, network frames): one word to wait on. */
const BELL = 3;
const HEADER_BYTES = 16;

/** Atomics.waitAsync (V8, Node 16+); TypeScript declares it only from lib es2024. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

export class StdinRing {
  readonly sab: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;

  constructor(sabOrCapacity: SharedArrayBuffer | number = 64 * 1024) {
    this.sab = typeof sabOrCapacity === 'number' ? new SharedArrayBuffer(HEADER_BYTES + sabOrCapacity) : sabOrCapacity;
    this.header = new Int32Array(this.sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(this.sab, HEADER_BYTES);
  }

  get capacity(): number {
    return this.data.length;
  }

  /** Bytes waiting to be read. */
  available(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) >>> 0;
  }

  space(): number {
    return this.capacity - this.available();
  }

  /** The producer has closed and everything written has been read. */
  drained(): boolean {
    return Atomics.load(this.header, EOF) === 1 && this.available() === 0;
  }

  closed(): boolean {
    return Atomics.load(this.header, EOF) === 1;
  }

  /** Producer: copies as much of `bytes` as fits; returns how many bytes were taken. */
  write(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.space());
    let w = Atomics.load(this.header, WRITTEN) >>> 0;
    for (let i = 0; i < n; ) {
      const at = w % this.capacity;
      const run = Math.min(n - i, this.capacity - at);
      this.data.set(bytes.subarray(i, i + run), at);
      i += run;
      w = (w + run) >>> 0;
    }
    Atomics.store(this.header, WRITTEN, w | 0);
    Atomics.notify(this.header, WRITTEN);
    this.ring();
    return n;
  }

  /** Producer: no more input will come. */
  close(): void {
    Atomics.store(this.header, EOF, 1);
    Atomics.notify(this.header, WRITTEN);
    this.ring();
  }

  /** The doorbell's count, taken before checking what is ready (see waitForBell). */
  bell(): number {
    return Atomics.load(this.header, BELL);
  }

  /** Wakes the consumer's waitForBell: something else it polls (the network) became ready. */
  ring(): void {
    Atomics.add(this.header, BELL, 1);
    Atomics.notify(this.header, BELL);
  }

  /** Consumer: blocks until the doorbell rang since `seen` was read, or `timeoutMs` passed. */
  waitForBell(seen: number, timeoutMs: number): void {
    Atomics.wait(this.header, BELL, seen, timeoutMs);
  }

  /** Consumer: moves up to `into.length` bytes into `into`; returns how many. Never blocks. */
  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.available());
    let r = Atomics.load(this.header, READ) >>> 0;
    for (let i = 0; i < n; ) {
      const at = r % this.capacity;
      const run = Math.min(n - i, this.capacity - at);
      into.set(this.data.subarray(at, at + run), i);
      i += run;
      r = (r + run) >>> 0;
    }
    Atomics.store(this.header, READ, r | 0);
    Atomics.notify(this.header, READ);
    return n;
  }

  /** Consumer: blocks the calling thread until input or EOF arrives or `timeoutMs` passes. */
  waitForInput(timeoutMs: number): void {
    const b = this.bell();
    if (this.available() > 0 || this.closed()) return;
    this.waitForBell(b, timeoutMs);
  }

  /** Producer: resolves once the consumer has made room (or after `timeoutMs`). */
  async waitForSpace(timeoutMs: number): Promise<void> {
    const r = Atomics.load(this.header, READ);
    if (this.space() > 0) return;
    const waited = waitAsync(this.header, READ, r, timeoutMs);
    if (waited.async) await waited.value;
  }
}
