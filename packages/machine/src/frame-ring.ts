/**
 * Ethernet frames between the host's network (main thread) and the machine's virtio-net (the
 * worker) as a single-producer, single-consumer ring of records (le32 length + bytes) in a
 * SharedArrayBuffer. A record is published whole (one store of the write counter after its
 * bytes), so the reader never sees half a frame. Counters only grow and wrap at 2^32.
 */
const WRITTEN = 0;
const READ = 1;
const HEADER_BYTES = 16;
const LENGTH_BYTES = 4;

const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

export class FrameRing {
  readonly sab: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;

  constructor(sabOrCapacity: SharedArrayBuffer | number = 1 << 20) {
    this.sab = typeof sabOrCapacity === 'number' ? new SharedArrayBuffer(HEADER_BYTES + sabOrCapacity) : sabOrCapacity;
    this.header = new Int32Array(this.sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(this.sab, HEADER_BYTES);
  }

  private used(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) >>> 0;
  }

  /** A frame of `bytes` would fit now. */
  hasRoom(bytes: number): boolean {
    return this.data.length - this.used() >= LENGTH_BYTES + bytes;
  }

  hasFrame(): boolean {
    return this.used() > 0;
  }

  private copyIn(at: number, bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; ) {
      const p = at % this.data.length;
      const run = Math.min(bytes.length - i, this.data.length - p);
      this.data.set(bytes.subarray(i, i + run), p);
      i += run;
      at = (at + run) >>> 0;
    }
    return at;
  }

  private copyOut(at: number, into: Uint8Array): number {
    for (let i = 0; i < into.length; ) {
      const p = at % this.data.length;
      const run = Math.min(into.length - i, this.data.length - p);
      into.set(this.data.subarray(p, p + run), i);
      i += run;
      at = (at + run) >>> 0;
    }
    return at;
  }

  /** Producer: appends one frame; false (nothing written) when it does not fit. */
  write(frame: Uint8Array): boolean {
    if (!this.hasRoom(frame.length)) return false;
    const len = new Uint8Array(LENGTH_BYTES);
    new DataView(len.buffer).setUint32(0, frame.length, true);
    let w = Atomics.load(this.header, WRITTEN) >>> 0;
    w = this.copyIn(w, len);
    w = this.copyIn(w, frame);
    Atomics.store(this.header, WRITTEN, w | 0);
    Atomics.notify(this.header, WRITTEN);
    return true;
  }

  /** Consumer: the next frame, or undefined. Never blocks. */
  read(): Uint8Array | undefined {
    if (!this.hasFrame()) return undefined;
    let r = Atomics.load(this.header, READ) >>> 0;
    const len = new Uint8Array(LENGTH_BYTES);
    r = this.copyOut(r, len);
    const frame = new Uint8Array(new DataView(len.buffer).getUint32(0, true));
    r = this.copyOut(r, frame);
    Atomics.store(this.header, READ, r | 0);
    Atomics.notify(this.header, READ);
    return frame;
  }

  /** Consumer (event loop): resolves when a frame may be there, or after `timeoutMs`. */
  async waitReadable(timeoutMs: number): Promise<void> {
    const w = Atomics.load(this.header, WRITTEN);
    if (this.hasFrame()) return;
    const waited = waitAsync(this.header, WRITTEN, w, timeoutMs);
    if (waited.async) await waited.value;
  }

  /** Producer (event loop): resolves when the consumer took something, or after `timeoutMs`. */
  async waitTaken(timeoutMs: number): Promise<void> {
    const r = Atomics.load(this.header, READ);
    const waited = waitAsync(this.header, READ, r, timeoutMs);
    if (waited.async) await waited.value;
  }

  /** Wakes a waitReadable (to stop a loop). */
  wake(): void {
    Atomics.notify(this.header, WRITTEN);
    Atomics.notify(this.header, READ);
  }
}
