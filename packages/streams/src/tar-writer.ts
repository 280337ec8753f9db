import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import type { TarHeader } from './tar-types.js';

/**
 * Writes tar entries to a Node stream with backpressure. Bodies are streamed; nothing larger than a
 * chunk is buffered. Sizes beyond 8 GiB use base-256 (GNU) encoding, which bsdtar, GNU tar, Go and
 * tar-stream all read.
 */
export class TarWriter {
  private readonly pack = tarStream.pack();
  private readonly done: Promise<void>;

  constructor(output: Writable) {
    // Never let pipeline() touch stdout: even with { end: false } a piped stdout is left failing
    // later writes with EPIPE, which drops what a tool writes after the tar (--config-out, notes).
    const target = output === process.stdout ? keepOpen(output) : output;
    this.done = pipeline(this.pack as unknown as NodeJS.ReadableStream, target);
    this.done.catch(() => undefined); // surfaced by finish()
  }

  async add(header: TarHeader, body?: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    type Entry = ReturnType<typeof this.pack.entry>;
    let entry!: Entry;
    const written = new Promise<void>((resolve, reject) => {
      entry = this.pack.entry(header as never, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (body instanceof Uint8Array) {
      entry.end(body);
    } else if (body) {
      for await (const chunk of body) {
        if (!entry.write(chunk)) await Promise.race([once(entry as never, 'drain'), written]);
      }
      (entry as unknown as { end(): void }).end();
    } else {
      (entry as unknown as { end(): void }).end();
    }
    await written;
  }

  /** Writes the end-of-archive blocks and waits until the output has flushed. */
  async finish(): Promise<void> {
    this.pack.finalize();
    await this.done;
  }

  /** Stops writing after a failure; the output is left for its owner to abort. */
  destroy(err?: Error): void {
    this.pack.destroy(err);
  }
}

/** A writer into `target` that forwards with backpressure and never ends or destroys it. */
function keepOpen(target: Writable): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      if (target.write(chunk)) cb();
      else target.once('drain', () => cb());
    },
  });
}
