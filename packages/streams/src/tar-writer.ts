import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { encodeHeader, padding } from './tar-header.js';
import type { TarHeader } from './tar-types.js';

const END_OF_ARCHIVE = Buffer.alloc(1024);
const ZEROS = Buffer.alloc(512);

/**
 * Writes tar entries to a Node stream with backpressure. Bodies are streamed; nothing larger than a
 * chunk is buffered. Headers are tar-stream 3's layout (tar-header.ts) with xattr values kept as
 * bytes; sizes beyond 8 GiB use base-256 (GNU) encoding, which bsdtar, GNU tar, Go and tar-stream
 * all read. The output is ended by finish(), except process.stdout, which is left open for
 * whatever the tool writes after the tar.
 */
export class TarWriter {
  private failed: Error | undefined;

  constructor(private readonly output: Writable) {
    output.on('error', (err: Error) => { this.failed ??= err; });
  }

  async add(header: TarHeader, body?: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    await this.write(encodeHeader(header));
    const type = String(header.type);
    const expected = type === 'file' || type === 'contiguous-file' ? header.size : 0;
    let written = 0;
    if (body instanceof Uint8Array) {
      written = body.length;
      if (written > 0 && written === expected) await this.write(body);
    } else if (body) {
      for await (const chunk of body) {
        written += chunk.length;
        if (written > expected) break;
        await this.write(chunk);
      }
    }
    if (written !== expected) throw new Error(`tar entry ${header.name}: body is ${written > expected ? 'longer' : 'shorter'} than its size ${expected}`);
    const pad = padding(expected);
    if (pad > 0) await this.write(ZEROS.subarray(0, pad));
  }

  /** Writes the end-of-archive blocks and waits until the output has flushed. */
  async finish(): Promise<void> {
    await this.write(END_OF_ARCHIVE);
    if (this.output === process.stdout) {
      if (this.output.writableNeedDrain) await this.drained();
      return;
    }
    const finished = once(this.output, 'finish');
    this.output.end();
    await finished;
    if (this.failed) throw this.failed;
  }

  /** Stops writing after a failure; the output is left for its owner to abort. */
  destroy(err?: Error): void {
    this.failed ??= err ?? new Error('tar writer destroyed');
  }

  private async write(chunk: Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.output.write(chunk)) await this.drained();
  }

  private async drained(): Promise<void> {
    // once() rejects on 'error'; a stream destroyed without one emits 'close'. The loser's listeners
    // must go, or every drain leaves a 'close' and an 'error' listener behind (thousands on a 2 GB tar).
    const loser = new AbortController();
    try {
      await Promise.race([
        once(this.output, 'drain', { signal: loser.signal }),
        once(this.output, 'close', { signal: loser.signal }).then(() => { throw this.failed ?? new Error('output closed'); }),
      ]);
    } finally {
      loser.abort();
    }
  }
}
