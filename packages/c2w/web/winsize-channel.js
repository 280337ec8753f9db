// The machine's --winsize channel in the page's worker (docs/decisions/0036-container-tty.md): the
// machine opens it as a file; each read returns the terminal's size once after every change
// (le16 rows, le16 cols), else EAGAIN, as the Node host's wasi-winsize.ts answers it.
import { Fd, Inode, wasi } from './vendor/wasi-shim/index.js';

export class WinsizeChannel extends Inode {
  constructor() {
    super();
    this.record = null; // the newest size not read yet
    this.fd = new WinsizeFd(this);
  }

  set(rows, cols) {
    this.record = Uint8Array.of(rows & 0xff, (rows >> 8) & 0xff, cols & 0xff, (cols >> 8) & 0xff);
  }

  /** A size waits to be read (poll_oneoff reports the descriptor readable). */
  readable() {
    return this.record !== null;
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
    const rec = this.channel.record;
    if (!rec) return { ret: wasi.ERRNO_AGAIN, data: new Uint8Array() };
    this.channel.record = null;
    return { ret: wasi.ERRNO_SUCCESS, data: rec };
  }
}
