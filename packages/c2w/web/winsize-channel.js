// The machine's --winsize channel in the page's worker (docs/decisions/0036-container-tty.md): the
// machine opens it as a file; each read returns the terminal's size once after every change
// (le16 rows, le16 cols), else EAGAIN, as the Node host's wasi-winsize.ts answers it.
import { Fd, Inode, wasi } from './vendor/wasi-shim/index.js';

export class WinsizeChannel extends Inode {
  /** `cell`: the page's WinsizeCell (?input=sab, where this worker never sees a message mid-run). */
  constructor(cell = undefined) {
    super();
    this.record = null; // the newest size not read yet
    this.cell = cell;
    this.seen = 0;
    this.fd = new WinsizeFd(this);
  }

  set(rows, cols) {
    this.record = Uint8Array.of(rows & 0xff, (rows >> 8) & 0xff, cols & 0xff, (cols >> 8) & 0xff);
  }

  /** A size waits to be read (poll_oneoff reports the descriptor readable). */
  readable() {
    return this.record !== null || (this.cell !== undefined && this.cell.seq() !== this.seen);
  }

  /** The newest size as a record, once; null when nothing changed since the last take. */
  take() {
    if (this.cell && this.cell.seq() !== this.seen) {
      this.seen = this.cell.seq();
      const { rows, cols } = this.cell.get();
      this.set(rows, cols);
    }
    const rec = this.record;
    this.record = null;
    return rec;
  }

  path_open() {
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: this.fd };
  }

  stat() {
    return new wasi.Filestat(this.ino, wasi.FILETYPE_CHARACTER_DEVICE, 0n);
  }
}

class WinsizeFd extends Fd {
  constructor(channel) {
    super();
    this.channel = channel;
  }

  fd_fdstat_get() {
    return { ret: 0, fdstat: new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0) };
  }

  fd_read() {
    const rec = this.channel.take();
    if (!rec) return { ret: wasi.ERRNO_AGAIN, data: new Uint8Array() };
    return { ret: wasi.ERRNO_SUCCESS, data: rec };
  }
}
