/**
 * WASI preview1 `poll_oneoff` and `fd_read(0)` served from a StdinRing instead of the host OS.
 *
 * Node 20's uvwasi poll_oneoff corrupted the V8 heap when a stdin pipe was involved (SIGSEGV in
 * ~15 % of runs, at or after the guest's exit: docs/decisions/0008-console-input-ring.md). The
 * machine only ever polls stdin and sleeps, so both are implemented here with Atomics.wait; every
 * other call still goes to node:wasi.
 */
import type { StdinRing } from './stdin-ring.js';

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_INVAL = 28;
const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const EVENTTYPE_FD_WRITE = 2;
const SUBCLOCKFLAG_ABSTIME = 1;
const EVENTRWFLAG_HANGUP = 1;
const CLOCK_REALTIME = 0;
const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

type WasiFn = (...args: number[]) => number;
export interface WasiImports {
  wasi_snapshot_preview1: Record<string, WasiFn>;
}

interface Memory {
  buffer: ArrayBuffer;
}

/** Another descriptor the machine polls besides stdin (the network's frames, the window size). */
export interface PollSource {
  fd: number;
  readable(): boolean;
  writable(): boolean;
}

/** Nanoseconds on the clock `id` as node:wasi reports it (realtime or monotonic). */
function nowNs(id: number): bigint {
  return id === CLOCK_REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
}

/**
 * Returns `imports` with poll_oneoff and fd_read(0) answered from `ring`. `memory()` gives the
 * instance's memory once it exists (the imports are built before instantiation).
 */
export function withRingConsole(imports: WasiImports, ring: StdinRing, memory: () => Memory, extras: readonly PollSource[] = []): WasiImports {
  const wasi = imports.wasi_snapshot_preview1;
  const fdRead = wasi.fd_read as WasiFn;

  function pollOneoff(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
    if (nsubs === 0) return ERRNO_INVAL;
    const view = () => new DataView(memory().buffer);
    let deadline: bigint | undefined; // on the monotonic clock
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      const v = view();
      if (v.getUint8(s + 8) !== EVENTTYPE_CLOCK) continue;
      const id = v.getUint32(s + 16, true);
      const timeout = v.getBigUint64(s + 24, true);
      const abs = (v.getUint16(s + 40, true) & SUBCLOCKFLAG_ABSTIME) !== 0;
      const mono = abs ? process.hrtime.bigint() + (timeout - nowNs(id)) : process.hrtime.bigint() + timeout;
      if (deadline === undefined || mono < deadline) deadline = mono;
    }
    for (;;) {
      const bell = ring.bell(); // before the checks: an event after them still ends the wait
      let n = 0;
      const v = view();
      for (let i = 0; i < nsubs; i++) {
        const s = inPtr + i * SUBSCRIPTION_SIZE;
        const type = v.getUint8(s + 8);
        if (type === EVENTTYPE_CLOCK) continue;
        const fd = v.getUint32(s + 16, true);
        let nbytes = 0;
        let flags = 0;
        let error = ERRNO_SUCCESS;
        const extra = extras.find((e) => e.fd === fd);
        if (extra && (type === EVENTTYPE_FD_READ || type === EVENTTYPE_FD_WRITE)) {
          if (!(type === EVENTTYPE_FD_READ ? extra.readable() : extra.writable())) continue;
        } else if (type === EVENTTYPE_FD_READ && fd === 0) {
          nbytes = ring.available();
          if (ring.drained()) flags = EVENTRWFLAG_HANGUP;
          if (nbytes === 0 && flags === 0) continue; // not ready yet
        } else if (type !== EVENTTYPE_FD_READ && type !== EVENTTYPE_FD_WRITE) {
          error = ERRNO_INVAL;
        } else if (type === EVENTTYPE_FD_WRITE && fd !== 1 && fd !== 2) {
          error = ERRNO_BADF;
        }
        // other descriptors (never polled by the machine) report ready: files always are
        writeEvent(v, outPtr + n * EVENT_SIZE, v.getBigUint64(s, true), error, type, nbytes, flags);
        n++;
      }
      if (n === 0 && deadline !== undefined && process.hrtime.bigint() >= deadline) {
        for (let i = 0; i < nsubs; i++) {
          const s = inPtr + i * SUBSCRIPTION_SIZE;
          if (v.getUint8(s + 8) !== EVENTTYPE_CLOCK) continue;
          writeEvent(v, outPtr + n * EVENT_SIZE, v.getBigUint64(s, true), ERRNO_SUCCESS, EVENTTYPE_CLOCK, 0, 0);
          n++;
          break;
        }
      }
      if (n > 0) {
        v.setUint32(neventsPtr, n, true);
        return ERRNO_SUCCESS;
      }
      const leftMs = deadline === undefined ? Infinity : Number(deadline - process.hrtime.bigint()) / 1e6;
      ring.waitForBell(bell, Math.max(0, leftMs));
    }
  }

  function readStdin(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
    if (fd !== 0) return fdRead(fd, iovsPtr, iovsLen, nreadPtr);
    // a blocking read: wait for input or EOF
    while (ring.available() === 0 && !ring.closed()) ring.waitForInput(Infinity);
    const v = new DataView(memory().buffer);
    const bytes = new Uint8Array(memory().buffer);
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = v.getUint32(iovsPtr + i * 8, true);
      const len = v.getUint32(iovsPtr + i * 8 + 4, true);
      const got = ring.read(bytes.subarray(ptr, ptr + len));
      total += got;
      if (got < len) break;
    }
    v.setUint32(nreadPtr, total, true);
    return ERRNO_SUCCESS;
  }

  return { ...imports, wasi_snapshot_preview1: { ...wasi, poll_oneoff: pollOneoff, fd_read: readStdin } };
}

function writeEvent(v: DataView, at: number, userdata: bigint, error: number, type: number, nbytes: number, flags: number): void {
  v.setBigUint64(at, userdata, true);
  v.setUint16(at + 8, error, true);
  v.setUint8(at + 10, type);
  v.setBigUint64(at + 16, BigInt(nbytes), true);
  v.setUint16(at + 24, flags, true);
}
