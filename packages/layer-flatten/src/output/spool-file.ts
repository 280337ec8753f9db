import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, environmentFailure, InputError } from '@c2w/errors';
import { trackTemporary } from '@c2w/streams';

const FLUSH_AT = 1 << 20;
const ZERO = Buffer.alloc(1 << 20);

/**
 * Bodies of layer files on disk while layers are read, so output can be written in sorted order
 * (docs/decisions/0001-flatten-order.md). Append-only; runs of zero chunks become holes, so a sparse
 * multi-GiB file costs no disk. The file is removed on close and on process exit.
 */
export class SpoolFile {
  private end = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingAt = 0;
  /** [start, end) ranges never written: read back as zeros without touching the disk. */
  private readonly holes: Array<[number, number]> = [];

  private constructor(private readonly fh: FileHandle, readonly path: string, private readonly untrack: () => void) {}

  static async create(dir = tmpdir()): Promise<SpoolFile> {
    const path = join(dir, `.layer-flatten-spool-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const untrack = trackTemporary(path);
    try {
      return new SpoolFile(await open(path, 'wx+', 0o600), path, untrack);
    } catch (err) {
      untrack();
      throw new EnvironmentError(`cannot create spool file in ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }

  /** Appends a body of `size` bytes and returns its offset; a body of another length is refused. */
  async append(body: AsyncIterable<Buffer>, size: number, what: string): Promise<number> {
    const offset = this.end + this.pendingBytes;
    let seen = 0;
    for await (const chunk of body) {
      seen += chunk.length;
      if (chunk.length >= 4096 && chunk.length <= ZERO.length && chunk.equals(ZERO.subarray(0, chunk.length))) {
        await this.flush();
        const last = this.holes[this.holes.length - 1];
        if (last && last[1] === this.end) last[1] += chunk.length;
        else this.holes.push([this.end, this.end + chunk.length]);
        this.end += chunk.length; // a hole: nothing written
      } else {
        if (this.pendingBytes === 0) this.pendingAt = this.end;
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes >= FLUSH_AT) await this.flush();
      }
    }
    if (seen !== size) throw new InputError(`${what}: body is ${seen} bytes, header says ${size}`);
    return offset;
  }

  /** Makes everything appended readable (and the file as long as the holes say). */
  async seal(): Promise<void> {
    await this.flush();
    const { size } = await this.fh.stat();
    if (size < this.end) await this.fh.truncate(this.end).catch((err: unknown) => { throw environmentFailure(`writing spool file ${this.path}`, err); });
  }

  /** A body back, in chunks of at most 1 MiB; each chunk is a fresh buffer the caller may keep. */
  async *read(offset: number, size: number): AsyncGenerator<Buffer> {
    let done = 0;
    while (done < size) {
      const at = offset + done;
      const hole = this.holeAt(at);
      if (hole) {
        const n = Math.min(size - done, hole[1] - at, ZERO.length);
        done += n;
        yield ZERO.subarray(0, n); // never written to by anyone: safe to share
        continue;
      }
      const nextHole = this.holeAfter(at);
      const want = Math.min(size - done, FLUSH_AT, nextHole - at);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, offset + done);
      if (bytesRead !== want) throw new EnvironmentError(`spool file ${this.path} is shorter than expected`);
      done += want;
      yield buf;
    }
  }

  private holeAt(pos: number): [number, number] | undefined {
    const i = this.firstHoleEndingAfter(pos);
    const hole = this.holes[i];
    return hole && hole[0] <= pos ? hole : undefined;
  }

  private holeAfter(pos: number): number {
    return this.holes[this.firstHoleEndingAfter(pos)]?.[0] ?? Number.MAX_SAFE_INTEGER;
  }

  /** Index of the first hole whose end is beyond pos (holes are sorted and disjoint). */
  private firstHoleEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.holes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.holes[mid] as [number, number])[1] <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.path, { force: true });
    this.untrack();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    const at = this.pendingAt;
    this.pendingBytes = 0;
    // a full $TMPDIR is named as such, not blamed on the layer being read
    await this.fh.write(data, 0, data.length, at).catch((err: unknown) => { throw environmentFailure(`writing spool file ${this.path}`, err); });
    this.end = at + data.length;
  }
}
