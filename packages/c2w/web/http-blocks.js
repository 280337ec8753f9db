/* global XMLHttpRequest */
// A remote file read in fixed blocks with synchronous HTTP Range requests (allowed in workers), a
// bounded LRU of blocks, and readahead that grows while reads are sequential (like Linux's), so a
// disk of gigabytes costs only what the guest touches.

export const BLOCK_SIZE = 64 * 1024; // the machine's own cache line (virtio_blk.c)
const MAX_READAHEAD = 16; // blocks: 1 MiB per request at most
// A random miss fetches 256 KiB: a synchronous XHR costs ~6 ms before its first byte in chromium
// here, so 64 KiB reads took python3 231 requests and 1.6 s, 256 KiB 104 and 0.8 s for 5 % more bytes.
const FIRST_READAHEAD = 4;

export class HttpBlocks {
  /**
   * @param {string} url
   * @param {number} size bytes
   * @param {{ maxBytes?: number, onFetch?: (bytes: number) => void, chunks?: { size: number, urls: string[] } }} [o]
   *   chunks: the file is cut in files of `size` bytes (a static directory); requests stay inside one
   */
  constructor(url, size, o = {}) {
    this.url = url;
    this.chunks = o.chunks;
    this.size = size;
    this.maxBlocks = Math.max(4, Math.floor((o.maxBytes ?? 64 * 1024 * 1024) / BLOCK_SIZE));
    this.onFetch = o.onFetch ?? (() => {});
    /** @type {Map<number, Uint8Array>} insertion order is recency order */
    this.blocks = new Map();
    this.readahead = FIRST_READAHEAD;
    this.lastMiss = -2;
    this.fetched = 0;
    this.requests = 0;
    this.fetchMs = 0;
  }

  /** Bytes [offset, offset + length) clipped to the file; throws on an HTTP failure. */
  read(offset, length) {
    const end = Math.min(this.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    for (let at = offset; at < end;) {
      const index = Math.floor(at / BLOCK_SIZE);
      const block = this.block(index);
      const from = at - index * BLOCK_SIZE;
      const n = Math.min(block.length - from, end - at);
      out.set(block.subarray(from, from + n), at - offset);
      at += n;
    }
    return out;
  }

  block(index) {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    this.readahead = index === this.lastMiss + 1 || index === this.lastMiss + this.readahead ? Math.min(MAX_READAHEAD, this.readahead * 2) : FIRST_READAHEAD;
    this.lastMiss = index;
    const last = Math.floor((this.size - 1) / BLOCK_SIZE);
    let count = 1;
    const inChunk = (i) => !this.chunks || Math.floor(i * BLOCK_SIZE / this.chunks.size) === Math.floor(index * BLOCK_SIZE / this.chunks.size);
    while (count < this.readahead && index + count <= last && !this.blocks.has(index + count) && inChunk(index + count)) count++;
    const start = index * BLOCK_SIZE;
    const end = Math.min(this.size, (index + count) * BLOCK_SIZE) - 1;
    const bytes = this.fetchRange(start, end);
    for (let i = 0; i < count; i++) {
      this.blocks.set(index + i, bytes.subarray(i * BLOCK_SIZE, Math.min(bytes.length, (i + 1) * BLOCK_SIZE)));
      if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value);
    }
    this.lastMiss = index + count - 1;
    return /** @type {Uint8Array} */ (this.blocks.get(index) ?? bytes.subarray(0, BLOCK_SIZE));
  }

  fetchRange(start, end) {
    const t = performance.now();
    const xhr = new XMLHttpRequest();
    const c = this.chunks ? Math.floor(start / this.chunks.size) : 0;
    const base = c * (this.chunks?.size ?? 0);
    const url = this.chunks ? this.chunks.urls[c] : this.url;
    xhr.open('GET', url, false);
    xhr.responseType = 'arraybuffer';
    xhr.setRequestHeader('Range', `bytes=${start - base}-${end - base}`);
    xhr.send();
    const want = end - start + 1;
    if (xhr.status !== 206 || xhr.response.byteLength !== want) {
      throw new Error(`reading ${url} bytes ${start - base}-${end - base} failed: HTTP ${xhr.status}, ${xhr.response?.byteLength ?? 0} bytes, expected 206 with ${want}`);
    }
    this.fetched += want;
    this.requests++;
    this.fetchMs += performance.now() - t;
    this.onFetch(want);
    return new Uint8Array(xhr.response);
  }
}
