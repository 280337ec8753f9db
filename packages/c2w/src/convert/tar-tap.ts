import { Writable } from 'node:stream';
import { readTar } from '@c2w/streams';

/** Small files we want from the root filesystem while it streams past (never bodies in general). */
const WANTED = new Set(['etc/passwd', 'etc/group']);
const MAX_WANTED_BYTES = 4 << 20;

/**
 * A writable that forwards every chunk to `target` and, on the side, parses the same tar to pick
 * up /etc/passwd and /etc/group, counting entries and body bytes for `onEntry`. Backpressure
 * is the slower of the two, so neither buffers much.
 */
export function tapTar(target: Writable, onEntry?: (entries: number, bytes: number) => void): { sink: Writable; files: Promise<Map<string, string>> } {
  const side = new TransformQueue();
  const files = (async () => {
    const found = new Map<string, string>();
    let entries = 0;
    let bytes = 0;
    for await (const entry of readTar(side, 'root filesystem')) {
      bytes += entry.header.size ?? 0;
      onEntry?.(++entries, bytes);
      const name = entry.header.name.replace(/^\.?\/+/, '');
      if (!WANTED.has(name) || entry.header.type !== 'file' || entry.header.size > MAX_WANTED_BYTES) continue;
      const parts: Buffer[] = [];
      for await (const c of entry.body) parts.push(c);
      found.set(name, Buffer.concat(parts).toString('utf8'));
    }
    return found;
  })();
  // A parse failure here must not stall the main path: stop feeding the side and let the
  // main consumer (iso-pack) report the broken stream.
  files.catch(() => side.abandon());
  let ended = false;
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      side.push(chunk);
      if (target.write(chunk)) side.whenDrained().then(() => cb(), cb);
      else target.once('drain', () => side.whenDrained().then(() => cb(), cb));
    },
    final(cb) {
      ended = true;
      side.end();
      target.end();
      cb();
    },
    destroy(err, cb) {
      side.end();
      // A Writable destroys itself after 'finish' (autoDestroy): the target has been ended then and
      // its reader may still be reading its buffer, so only a failure or an abort destroys it.
      if (err || !ended) target.destroy(err ?? undefined);
      cb(err);
    },
  });
  return { sink, files };
}

/** An async iterable fed by push(); whenDrained() resolves once the reader has caught up. */
class TransformQueue implements AsyncIterable<Buffer> {
  private chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  private drained: Array<() => void> = [];
  private abandoned = false;

  abandon(): void {
    this.abandoned = true;
    this.chunks = [];
    for (const r of this.drained.splice(0)) r();
  }

  push(chunk: Buffer): void {
    if (this.abandoned) return;
    this.chunks.push(chunk);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  whenDrained(): Promise<void> {
    if (this.abandoned || this.chunks.length < 16) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        if (this.chunks.length < 16) for (const r of this.drained.splice(0)) r();
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = undefined;
    }
  }
}
