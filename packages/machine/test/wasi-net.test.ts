import { FrameRing } from '../src/frame-ring.js';
import { StdinRing } from '../src/stdin-ring.js';
import { withRingConsole, type WasiImports } from '../src/wasi-console.js';
import { NET_CHANNEL_NAME, netPollSource, withNetChannel } from '../src/wasi-net.js';

// The WASI calls the machine makes on its frame channel, against a wasm-like memory.
const ERRNO_AGAIN = 6;
const memory = { buffer: new ArrayBuffer(65536) };
const view = (): DataView => new DataView(memory.buffer);
const bytes = (): Uint8Array => new Uint8Array(memory.buffer);

function setup(): { calls: string[]; wasi: Record<string, (...a: (number | bigint)[]) => number>; toGuest: FrameRing; fromGuest: FrameRing; bell: StdinRing } {
  const calls: string[] = [];
  const base: WasiImports = { wasi_snapshot_preview1: {
    path_open: () => { calls.push('path_open'); return 44; },
    fd_read: (fd) => { calls.push(`fd_read ${fd}`); return 0; },
    fd_write: (fd) => { calls.push(`fd_write ${fd}`); return 0; },
    fd_close: (fd) => { calls.push(`fd_close ${fd}`); return 0; },
    poll_oneoff: () => 28,
  } };
  const toGuest = new FrameRing(4096);
  const fromGuest = new FrameRing(4096);
  const bell = new StdinRing(16);
  const ch = { toGuest, fromGuest };
  const imports = withNetChannel(withRingConsole(base, bell, () => memory, [netPollSource(ch)]), ch, () => memory);
  return { calls, wasi: imports.wasi_snapshot_preview1 as never, toGuest, fromGuest, bell };
}

/** path_open(dirfd, dirflags, path, len, oflags, rights, rights, fdflags, &fd) as wasi-libc calls it. */
function open(wasi: Record<string, (...a: (number | bigint)[]) => number>, name: string): { errno: number; fd: number } {
  bytes().set(Buffer.from(name), 1000);
  const errno = wasi.path_open!(3, 0, 1000, name.length, 0, 0n, 0n, 4, 2000);
  return { errno, fd: view().getUint32(2000, true) };
}

function iov(at: number, ptr: number, len: number): void {
  view().setUint32(at, ptr, true);
  view().setUint32(at + 4, len, true);
}

describe('the frame channel (wasi-net)', () => {
  it('answers path_open of the channel itself and passes every other path to node:wasi', () => {
    const { calls, wasi } = setup();
    const ch = open(wasi, NET_CHANNEL_NAME);
    expect(ch.errno).toBe(0);
    expect(ch.fd).toBeGreaterThan(1000);
    expect(open(wasi, 'root.iso').errno).toBe(44);
    expect(calls).toEqual(['path_open']);
    expect(wasi.fd_close!(ch.fd)).toBe(0);
    expect(calls).toEqual(['path_open']);
  });

  it('reads one whole frame per fd_read, EAGAIN when none, and writes one per fd_write', () => {
    const { calls, wasi, toGuest, fromGuest } = setup();
    const { fd } = open(wasi, NET_CHANNEL_NAME);
    iov(100, 4096, 2048);
    expect(wasi.fd_read!(fd, 100, 1, 200)).toBe(ERRNO_AGAIN);
    toGuest.write(Uint8Array.of(1, 2, 3));
    toGuest.write(Uint8Array.of(4, 5));
    expect(wasi.fd_read!(fd, 100, 1, 200)).toBe(0);
    expect(view().getUint32(200, true)).toBe(3);
    expect(Array.from(bytes().subarray(4096, 4099))).toEqual([1, 2, 3]);
    expect(wasi.fd_read!(fd, 100, 1, 200)).toBe(0);
    expect(view().getUint32(200, true)).toBe(2);
    // a frame written from two iovecs (the machine's header is already stripped) arrives as one
    bytes().set([7, 7], 8000);
    bytes().set([8], 8100);
    iov(300, 8000, 2);
    iov(308, 8100, 1);
    expect(wasi.fd_write!(fd, 300, 2, 400)).toBe(0);
    expect(view().getUint32(400, true)).toBe(3);
    expect(Array.from(fromGuest.read()!)).toEqual([7, 7, 8]);
    // a full ring: EAGAIN, nothing written (the machine keeps the frame and retries)
    while (fromGuest.write(new Uint8Array(1000)));
    while (fromGuest.write(new Uint8Array(0)));
    expect(wasi.fd_write!(fd, 300, 2, 400)).toBe(ERRNO_AGAIN);
    // descriptors other than the channel still go to node:wasi
    wasi.fd_read!(5, 100, 1, 200);
    wasi.fd_write!(1, 300, 1, 400);
    expect(calls).toEqual(['fd_read 5', 'fd_write 1']);
  });

  it('makes poll_oneoff report the channel readable once a frame is there, and wakes it', () => {
    const { wasi, toGuest } = setup();
    const { fd } = open(wasi, NET_CHANNEL_NAME);
    // one fd_read subscription on the channel + a 50 ms relative clock
    const sub = 10000;
    const v = view();
    v.setBigUint64(sub, 1n, true); v.setUint8(sub + 8, 1); v.setUint32(sub + 16, fd, true);
    v.setBigUint64(sub + 48, 2n, true); v.setUint8(sub + 56, 0); v.setUint32(sub + 64, 1, true);
    v.setBigUint64(sub + 72, 50_000_000n, true); v.setUint16(sub + 88, 0, true);
    expect(wasi.poll_oneoff!(sub, 20000, 2, 30000)).toBe(0);
    expect(v.getBigUint64(20000, true)).toBe(2n); // the clock: nothing to read yet
    toGuest.write(Uint8Array.of(1));
    expect(wasi.poll_oneoff!(sub, 20000, 2, 30000)).toBe(0);
    expect(v.getUint32(30000, true)).toBe(1);
    expect(v.getBigUint64(20000, true)).toBe(1n);
  });
});
