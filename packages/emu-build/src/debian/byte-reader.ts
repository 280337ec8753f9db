import { InputError } from '@c2w/errors';

/**
 * Pull-based reads over an async byte stream: exact-length reads for headers and bounded
 * sub-streams for bodies, never buffering more than one incoming chunk.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>, private readonly what: string) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.it.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : Buffer.from(next.value);
    return true;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    while (!this.buf.length) if (!(await this.fill())) return true;
    return false;
  }

  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (!(await this.fill())) throw new InputError(`${this.what} is truncated (wanted ${n} more bytes, got ${this.buf.length})`);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** The next `n` bytes as a stream; the caller must consume it (or call skip) before reading on. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!this.buf.length && !(await this.fill())) throw new InputError(`${this.what} is truncated (${left} bytes of a member missing)`);
      const take = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n)) { /* discard */ }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
