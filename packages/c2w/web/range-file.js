/* global self */
// A read-only WASI file whose bytes come from HttpBlocks: what the machine opens as its disk.
import { Fd, Inode, wasi } from './vendor/wasi-shim/index.js';

export class RangeFile extends Inode {
  /** @param {import('./http-blocks.js').HttpBlocks} blocks */
  constructor(blocks) {
    super();
    this.blocks = blocks;
  }

  path_open(_oflags, rights) {
    // the machine opens read-only disks O_RDONLY; a write open is refused like a read-only mount
    if ((rights & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n) return { ret: wasi.ERRNO_ROFS, fd_obj: null };
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new OpenRangeFile(this) };
  }

  stat() {
    return new wasi.Filestat(this.ino, wasi.FILETYPE_REGULAR_FILE, BigInt(this.blocks.size));
  }
}

class OpenRangeFile extends Fd {
  constructor(file) {
    super();
    this.file = file;
    this.pos = 0n;
  }

  fd_fdstat_get() {
    return { ret: 0, fdstat: new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, 0) };
  }

  fd_filestat_get() {
    return { ret: 0, filestat: this.file.stat() };
  }

  fd_pread(size, offset) {
    try {
      return { ret: 0, data: this.file.blocks.read(Number(offset), size) };
    } catch (err) {
      // the guest sees an I/O error on its disk; the page says why
      self.postMessage({ type: 'warning', text: String(err.message ?? err) });
      return { ret: wasi.ERRNO_IO, data: new Uint8Array(0) };
    }
  }

  fd_read(size) {
    const r = this.fd_pread(size, this.pos);
    this.pos += BigInt(r.data.length);
    return r;
  }

  fd_seek(offset, whence) {
    const base = whence === wasi.WHENCE_SET ? 0n : whence === wasi.WHENCE_CUR ? this.pos : whence === wasi.WHENCE_END ? BigInt(this.file.blocks.size) : -1n;
    if (base < 0n || base + offset < 0n) return { ret: wasi.ERRNO_INVAL, offset: 0n };
    this.pos = base + offset;
    return { ret: 0, offset: this.pos };
  }

  fd_tell() {
    return { ret: 0, offset: this.pos };
  }
}
