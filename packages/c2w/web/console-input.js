/* global MessageChannel */
// WASI poll_oneoff and fd_read(0) for a machine that runs synchronously in this worker, with the
// keyboard arriving as messages: through JSPI (WebAssembly.Suspending) the machine's wait for input
// or for its timer suspends the wasm stack and returns to the event loop, so messages get in. No
// SharedArrayBuffer, so no cross-origin isolation (docs/decisions/0025-browser-jspi.md); a page
// that has it (c2w serve --cross-origin-isolated) may pass a ring and block instead.

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_INVAL = 28;
const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const EVENTTYPE_FD_WRITE = 2;
const SUBCLOCKFLAG_ABSTIME = 1;
const CLOCK_REALTIME = 0;
const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
/** A busy guest polls with timeout 0 every 10 ms; yield to the event loop at most this often. */
const YIELD_EVERY_MS = 25;

/** Console input queued by the page until the machine reads it. */
export class InputQueue {
  constructor() {
    /** @type {Uint8Array[]} */
    this.chunks = [];
    this.waiter = null;
  }

  push(bytes) {
    if (bytes.length) this.chunks.push(bytes);
    this.wake();
  }

  wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  available() {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** Moves up to `into.length` bytes into `into`; returns how many. */
  read(into) {
    let n = 0;
    while (n < into.length && this.chunks.length) {
      const c = this.chunks[0];
      const take = Math.min(c.length, into.length - n);
      into.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    return n;
  }

  /** Resolves when input arrives or after `ms` (Infinity: only on input). */
  wait(ms) {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => { this.waiter = null; resolve(); }, Math.max(0, ms)) : undefined;
      this.waiter = () => { clearTimeout(timer); resolve(); };
    });
  }
}

/** A macrotask turn: lets queued messages (keys) run. */
const yieldTurn = () => new Promise((resolve) => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => resolve();
  ch.port2.postMessage(0);
});

/**
 * Returns `imports` with poll_oneoff and fd_read(0) served from `queue`, wrapped for JSPI;
 * `memory()` gives the instance's memory once it exists. `stats` counts the suspensions and their time.
 * With `ring` (a StdinRing on a SharedArrayBuffer, cross-origin isolated pages only) the same calls
 * block in Atomics.wait instead, as the Node host does, and nothing suspends. `polled` are other
 * descriptors the machine polls (`{ isFd(fd), readable() }`: the window size channel).
 */
export function withJspiConsole(imports, queue, memory, stats = { yields: 0, yieldMs: 0, waits: 0, waitMs: 0 }, ring = undefined, polled = []) {
  if (ring) queue = ring;
  const wasi = imports.wasi_snapshot_preview1;
  const fdRead = wasi.fd_read;
  let lastYield = performance.now();

  /** Fills `out` with ready events; returns their count (0: nothing ready) or a WASI errno < 0. */
  function readyEvents(inPtr, outPtr, nsubs) {
    const v = new DataView(memory().buffer);
    let n = 0;
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      const type = v.getUint8(s + 8);
      if (type === EVENTTYPE_CLOCK) continue;
      const fd = v.getUint32(s + 16, true);
      let nbytes = 0;
      let error = ERRNO_SUCCESS;
      const other = polled.find((p) => p.isFd(fd));
      if (other && type === EVENTTYPE_FD_READ) {
        if (!other.readable()) continue;
      } else if (type === EVENTTYPE_FD_READ && fd === 0) {
        nbytes = queue.available();
        if (nbytes === 0) continue;
      } else if (type !== EVENTTYPE_FD_READ && type !== EVENTTYPE_FD_WRITE) {
        error = ERRNO_INVAL;
      } else if (type === EVENTTYPE_FD_WRITE && fd !== 1 && fd !== 2) {
        error = ERRNO_BADF;
      }
      writeEvent(v, outPtr + n * EVENT_SIZE, v.getBigUint64(s, true), error, type, nbytes);
      n++;
    }
    return n;
  }

  function clockEvent(inPtr, outPtr, nsubs) {
    const v = new DataView(memory().buffer);
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      if (v.getUint8(s + 8) !== EVENTTYPE_CLOCK) continue;
      writeEvent(v, outPtr, v.getBigUint64(s, true), ERRNO_SUCCESS, EVENTTYPE_CLOCK, 0);
      return 1;
    }
    return 0;
  }

  /** The earliest clock deadline, in performance.now() milliseconds (Infinity: none). */
  function deadlineOf(inPtr, nsubs) {
    const v = new DataView(memory().buffer);
    let deadline = Infinity;
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * SUBSCRIPTION_SIZE;
      if (v.getUint8(s + 8) !== EVENTTYPE_CLOCK) continue;
      const id = v.getUint32(s + 16, true);
      const timeout = Number(v.getBigUint64(s + 24, true)) / 1e6;
      const abs = (v.getUint16(s + 40, true) & SUBCLOCKFLAG_ABSTIME) !== 0;
      const now = performance.now();
      const at = abs ? now + (timeout - (id === CLOCK_REALTIME ? Date.now() : now)) : now + timeout;
      deadline = Math.min(deadline, at);
    }
    return deadline;
  }

  function finish(outPtr, neventsPtr, n) {
    new DataView(memory().buffer).setUint32(neventsPtr, n, true);
    return ERRNO_SUCCESS;
  }

  /** Suspends the machine until `promise`; a yield is a turn taken while busy, a wait is idle. */
  async function suspend(promise, kind) {
    const t = performance.now();
    await promise;
    lastYield = performance.now();
    stats[kind === 'yield' ? 'yields' : 'waits']++;
    stats[kind === 'yield' ? 'yieldMs' : 'waitMs'] += lastYield - t;
  }

  function pollOneoff(inPtr, outPtr, nsubs, neventsPtr) {
    if (nsubs === 0) return ERRNO_INVAL;
    const deadline = deadlineOf(inPtr, nsubs);
    const n = readyEvents(inPtr, outPtr, nsubs);
    const now = performance.now();
    if (n > 0 || (deadline <= now && (ring || now - lastYield < YIELD_EVERY_MS))) {
      return finish(outPtr, neventsPtr, n || clockEvent(inPtr, outPtr, nsubs));
    }
    if (ring) {
      for (;;) {
        const t = performance.now();
        ring.waitForInput(Math.max(0, deadline - t));
        stats.waits++;
        stats.waitMs += performance.now() - t;
        const ready = readyEvents(inPtr, outPtr, nsubs);
        if (ready > 0) return finish(outPtr, neventsPtr, ready);
        if (performance.now() >= deadline) return finish(outPtr, neventsPtr, clockEvent(inPtr, outPtr, nsubs));
      }
    }
    // wait (or just take a turn) on the event loop, then answer from what is there
    return (async () => {
      for (;;) {
        const left = deadline - performance.now();
        await suspend(left > 0 ? queue.wait(left) : yieldTurn(), left > 0 ? 'wait' : 'yield');
        const ready = readyEvents(inPtr, outPtr, nsubs);
        if (ready > 0) return finish(outPtr, neventsPtr, ready);
        if (performance.now() >= deadline) return finish(outPtr, neventsPtr, clockEvent(inPtr, outPtr, nsubs));
      }
    })();
  }

  function readStdin(fd, iovsPtr, iovsLen, nreadPtr) {
    if (fd !== 0) return fdRead(fd, iovsPtr, iovsLen, nreadPtr);
    const copy = () => {
      const v = new DataView(memory().buffer);
      const bytes = new Uint8Array(memory().buffer);
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = v.getUint32(iovsPtr + i * 8, true);
        const len = v.getUint32(iovsPtr + i * 8 + 4, true);
        const got = queue.read(bytes.subarray(ptr, ptr + len));
        total += got;
        if (got < len) break;
      }
      v.setUint32(nreadPtr, total, true);
      return ERRNO_SUCCESS;
    };
    if (queue.available() > 0) return copy();
    if (ring) {
      while (ring.available() === 0) ring.waitForInput(Infinity);
      return copy();
    }
    // a blocking read: the page's terminal never ends, so wait for input
    return (async () => {
      while (queue.available() === 0) await suspend(queue.wait(Infinity), 'wait');
      return copy();
    })();
  }

  return {
    ...imports,
    wasi_snapshot_preview1: {
      ...wasi,
      poll_oneoff: ring ? pollOneoff : new WebAssembly.Suspending(pollOneoff),
      fd_read: ring ? readStdin : new WebAssembly.Suspending(readStdin),
    },
  };
}

function writeEvent(v, at, userdata, error, type, nbytes) {
  v.setBigUint64(at, userdata, true);
  v.setUint16(at + 8, error, true);
  v.setUint8(at + 10, type);
  v.setBigUint64(at + 16, BigInt(nbytes), true);
  v.setUint16(at + 24, 0, true);
}
