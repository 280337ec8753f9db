import type { FileHandle } from 'node:fs/promises';

// 4 MiB: large enough that syscalls do not matter, small enough to keep the footprint low.
const BATCH = 4 * 1024 * 1024;
const ZEROS = Buffer.alloc(BATCH);

/**
 * Sequential writer of file data with large positional writes: two 4 MiB batches, one filling while
 * the other is written, so reading the tar and writing the image overlap. Batches of zeros beyond
 * anything written so far are skipped (the file is new, holes read as zeros), which keeps sparse
 * inputs sparse. rewind() takes back the tail (iso-pack's --dedupe found the same bytes earlier).
 * Shared by the image packers (iso-pack: 2 KiB blocks, erofs-pack: 4 KiB).
 */
export class BlockWriter {
  private readonly batches = [Buffer.allocUnsafe(BATCH), Buffer.allocUnsafe(BATCH)];
  private current = 0;
  private fill = 0;
  private base: number;
  private pending: Promise<void> | null = null;
  private highWater = 0;

  constructor(private readonly handle: FileHandle, start: number, private readonly block: number) {
    this.base = start;
  }

  get position(): number {
    return this.base + this.fill;
  }

  /** Copies `chunk` into the batch; a promise only when a full batch must wait for the last write. */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.fill + chunk.length < BATCH) {
      this.batches[this.current]!.set(chunk, this.fill);
      this.fill += chunk.length;
      return undefined;
    }
    return this.writeSlow(chunk);
  }

  private async writeSlow(chunk: Uint8Array): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      if (this.fill === BATCH) await this.flush();
      const batch = this.batches[this.current]!;
      const n = Math.min(BATCH - this.fill, chunk.length - off);
      batch.set(n === chunk.length ? chunk : chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
    }
  }

  /** Zero-pads to the next block boundary: every extent starts on a block. */
  padToBlock(): void {
    const pad = (this.block - (this.position % this.block)) % this.block;
    this.batches[this.current]!.fill(0, this.fill, this.fill + pad);
    this.fill += pad;
  }

  async rewind(to: number): Promise<void> {
    if (to >= this.base) {
      this.fill = to - this.base;
      return;
    }
    await this.pending;
    this.pending = null;
    this.base = to;
    this.fill = 0;
  }

  /** Bytes already written (used to compare a duplicate entry with the first copy). */
  async readAt(position: number, length: number): Promise<Buffer> {
    await this.drain();
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf;
  }

  /** Writes everything buffered; the position stays where it is. */
  async drain(): Promise<void> {
    if (this.fill > 0) await this.flush();
    await this.pending;
    this.pending = null;
  }

  /** Copies whole blocks within the file (relocating extents); call after drain(). */
  async copy(fromBlock: number, toBlock: number, blocks: number): Promise<void> {
    const buf = this.batches[0]!;
    for (let done = 0; done < blocks * this.block;) {
      const n = Math.min(BATCH, blocks * this.block - done);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await this.handle.read(buf, got, n - got, fromBlock * this.block + done + got);
        if (bytesRead === 0) { buf.fill(0, got, n); break; } // past the end of the file: holes
        got += bytesRead;
      }
      await this.writeOut(buf, n, toBlock * this.block + done);
      done += n;
    }
  }

  /** Hands one batch buffer over for other use (the metadata); the writer is done after this. */
  async takeBuffer(): Promise<Buffer> {
    await this.drain();
    const buf = this.batches[0]!;
    this.batches.length = 0;
    return buf;
  }

  private async flush(): Promise<void> {
    const batch = this.batches[this.current]!;
    const length = this.fill;
    const position = this.base;
    await this.pending;
    this.pending = this.writeOut(batch, length, position);
    this.pending.catch(() => undefined); // surfaced by the next await of pending
    this.current ^= 1;
    this.base += length;
    this.fill = 0;
  }

  private async writeOut(batch: Buffer, length: number, position: number): Promise<void> {
    if (position >= this.highWater && batch[0] === 0 && batch.subarray(0, length).equals(ZEROS.subarray(0, length))) return;
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await this.handle.write(batch, done, length - done, position + done);
      done += bytesWritten;
    }
    this.highWater = Math.max(this.highWater, position + length);
  }
}
