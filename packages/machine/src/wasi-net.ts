/**
 * The virtio-net frame channel as WASI calls (docs/decisions/0030-user-mode-network.md). The
 * machine opens `/c2w/net/frames` (`--net`); this layer answers that `path_open` with a descriptor
 * of its own and serves `fd_read` (one frame from the host, or EAGAIN) and `fd_write` (one frame
 * to the host, or EAGAIN when its ring is full) from two FrameRings. machine.wasm keeps importing
 * only wasi_snapshot_preview1, and no host file is ever opened for it.
 */
import type { FrameRing } from './frame-ring.js';
import type { PollSource, WasiImports } from './wasi-console.js';

/** The name the machine opens inside its /c2w/net preopen. */
export const NET_CHANNEL_NAME = 'frames';
/** The guest path given to `--net`. */
export const NET_CHANNEL_DIR = '/c2w/net';
/** A descriptor number node:wasi never hands out (it counts up from 3). */
const NET_FD = 0x3fff_0000;
/** The largest frame the machine sends (a TSO segment): room for it means room for any. */
const MAX_FRAME = 65536 + 18;
const ERRNO_SUCCESS = 0;
const ERRNO_AGAIN = 6;

interface Memory {
  buffer: ArrayBuffer;
}

type WasiFn = (...args: (number | bigint)[]) => number;

export interface NetChannel {
  /** Frames for the guest (main thread writes, the machine reads). */
  toGuest: FrameRing;
  /** Frames from the guest. */
  fromGuest: FrameRing;
}

/** The channel's readiness for the console's poll_oneoff. */
export function netPollSource(ch: NetChannel): PollSource {
  return { fd: NET_FD, readable: () => ch.toGuest.hasFrame(), writable: () => ch.fromGuest.hasRoom(MAX_FRAME) };
}

export function withNetChannel(imports: WasiImports, ch: NetChannel, memory: () => Memory): WasiImports {
  const wasi = imports.wasi_snapshot_preview1 as unknown as Record<string, WasiFn>;
  const pathOpen = wasi.path_open!;
  const fdRead = wasi.fd_read!;
  const fdWrite = wasi.fd_write!;
  const fdClose = wasi.fd_close!;

  const iovecs = (ptr: number, len: number): { v: DataView; bytes: Uint8Array; iovs: [number, number][] } => {
    const v = new DataView(memory().buffer);
    const iovs: [number, number][] = [];
    for (let i = 0; i < len; i++) iovs.push([v.getUint32(ptr + i * 8, true), v.getUint32(ptr + i * 8 + 4, true)]);
    return { v, bytes: new Uint8Array(memory().buffer), iovs };
  };

  function path_open(...a: (number | bigint)[]): number {
    const [, , pathPtr, pathLen] = a as number[];
    const name = Buffer.from(memory().buffer, pathPtr, pathLen).toString('utf8');
    if (name !== NET_CHANNEL_NAME) return pathOpen(...a);
    new DataView(memory().buffer).setUint32(a[8] as number, NET_FD, true);
    return ERRNO_SUCCESS;
  }

  function fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
    if (fd !== NET_FD) return fdRead(fd, iovsPtr, iovsLen, nreadPtr);
    const frame = ch.toGuest.read();
    if (!frame) return ERRNO_AGAIN;
    const { v, bytes, iovs } = iovecs(iovsPtr, iovsLen);
    let done = 0;
    for (const [p, l] of iovs) {
      const n = Math.min(l, frame.length - done);
      bytes.set(frame.subarray(done, done + n), p);
      done += n;
      if (done === frame.length) break;
    }
    v.setUint32(nreadPtr, done, true);
    return ERRNO_SUCCESS;
  }

  function fd_write(fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
    if (fd !== NET_FD) return fdWrite(fd, iovsPtr, iovsLen, nwrittenPtr);
    const { v, bytes, iovs } = iovecs(iovsPtr, iovsLen);
    const total = iovs.reduce((a, [, l]) => a + l, 0);
    const frame = new Uint8Array(total);
    let at = 0;
    for (const [p, l] of iovs) { frame.set(bytes.subarray(p, p + l), at); at += l; }
    if (!ch.fromGuest.write(frame)) return ERRNO_AGAIN;
    v.setUint32(nwrittenPtr, total, true);
    return ERRNO_SUCCESS;
  }

  function fd_close(fd: number): number {
    return fd === NET_FD ? ERRNO_SUCCESS : fdClose(fd);
  }

  return { ...imports, wasi_snapshot_preview1: { ...imports.wasi_snapshot_preview1, path_open, fd_read, fd_write, fd_close } as WasiImports['wasi_snapshot_preview1'] };
}
