import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUFFER = 1 << 20;

/**
 * The last partial block of each regular file, kept aside in a temporary file until the inode
 * area is written (tail packing: the tail goes right after its inode). A file on disk, not memory:
 * a root file system has tens of thousands of small files.
 */
export class TailSpool {
  private buf = Buffer.allocUnsafe(BUFFER);
  private fill = 0;
  private flushed = 0;

  private constructor(private readonly dir: string, private readonly handle: FileHandle) {}

  static async create(): Promise<TailSpool> {
    const dir = await mkdtemp(join(tmpdir(), 'erofs-pack-tails-'));
    try {
      return new TailSpool(dir, await open(join(dir, 'tails'), 'w+'));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get position(): number {
    return this.flushed + this.fill;
  }

  async append(bytes: Uint8Array): Promise<void> {
    if (this.fill + bytes.length > BUFFER) await this.flush();
    if (bytes.length > BUFFER) { await this.writeAll(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), this.flushed); this.flushed += bytes.length; return; }
    this.buf.set(bytes, this.fill);
    this.fill += bytes.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    if (position + length > this.flushed) await this.flush();
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, position + done);
      if (bytesRead === 0) throw new Error(`tail spool: short read at ${position + done}`);
      done += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    await this.writeAll(this.buf.subarray(0, this.fill), this.flushed);
    this.flushed += this.fill;
    this.fill = 0;
  }

  private async writeAll(bytes: Buffer, at: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) done += (await this.handle.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
  }
}
