/**
 * The machine's `--winsize` channel as WASI calls (docs/decisions/0036-container-tty.md): the
 * machine opens `/c2w/tty/winsize`; this layer answers that `path_open` with a descriptor of its
 * own, and each `fd_read` returns the terminal size once after every change (le16 rows, le16
 * cols), or EAGAIN. Like the network's channel (wasi-net.ts), no host file is ever opened.
 */
import type { PollSource, WasiImports } from './wasi-console.js';
import type { WinsizeCell } from './winsize-cell.js';

export const WINSIZE_CHANNEL_DIR = '/c2w/tty';
export const WINSIZE_CHANNEL_NAME = 'winsize';
/** A descriptor number node:wasi never hands out (it counts up from 3), next to the network's. */
const WINSIZE_FD = 0x3fff_0001;
const ERRNO_SUCCESS = 0;
const ERRNO_AGAIN = 6;

interface Memory {
  buffer: ArrayBuffer;
}
type WasiFn = (...args: (number | bigint)[]) => number;

/** The channel's reader: readable while a size the machine has not read yet is in the cell. */
export interface WinsizeReader extends PollSource {
  /** The newest size as a 4-byte record, or undefined when the machine has read it already. */
  take(): Uint8Array | undefined;
}

export function winsizePollSource(cell: WinsizeCell): WinsizeReader {
  let seen = 0; // the cell starts at 0: nothing to read until the host sets a size
  return {
    fd: WINSIZE_FD,
    readable: () => cell.seq() !== seen,
    writable: () => false,
    take() {
      const seq = cell.seq();
      if (seq === seen) return undefined;
      seen = seq;
      const { rows, cols } = cell.get();
      return Uint8Array.of(rows & 0xff, rows >> 8, cols & 0xff, cols >> 8);
    },
  };
}

export function withWinsizeChannel(imports: WasiImports, src: WinsizeReader, memory: () => Memory): WasiImports {
  const wasi = imports.wasi_snapshot_preview1 as unknown as Record<string, WasiFn>;
  const pathOpen = wasi.path_open!;
  const fdRead = wasi.fd_read!;
  const fdClose = wasi.fd_close!;

  function path_open(...a: (number | bigint)[]): number {
    const [, , pathPtr, pathLen] = a as number[];
    const name = Buffer.from(memory().buffer, pathPtr, pathLen).toString('utf8');
    if (name !== WINSIZE_CHANNEL_NAME) return pathOpen(...a);
    new DataView(memory().buffer).setUint32(a[8] as number, WINSIZE_FD, true);
    return ERRNO_SUCCESS;
  }

  function fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
    if (fd !== WINSIZE_FD) return fdRead(fd, iovsPtr, iovsLen, nreadPtr);
    const rec = src.take();
    if (!rec) return ERRNO_AGAIN;
    const v = new DataView(memory().buffer);
    const bytes = new Uint8Array(memory().buffer);
    let done = 0;
    for (let i = 0; i < iovsLen && done < rec.length; i++) {
      const p = v.getUint32(iovsPtr + i * 8, true);
      const n = Math.min(v.getUint32(iovsPtr + i * 8 + 4, true), rec.length - done);
      bytes.set(rec.subarray(done, done + n), p);
      done += n;
    }
    v.setUint32(nreadPtr, done, true);
    return ERRNO_SUCCESS;
  }

  function fd_close(fd: number): number {
    return fd === WINSIZE_FD ? ERRNO_SUCCESS : fdClose(fd);
  }

  return { ...imports, wasi_snapshot_preview1: { ...imports.wasi_snapshot_preview1, path_open, fd_read, fd_close } as WasiImports['wasi_snapshot_preview1'] };
}
