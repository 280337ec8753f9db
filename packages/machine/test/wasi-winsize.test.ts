import { StdinRing } from '../src/stdin-ring.js';
import { withRingConsole, type WasiImports } from '../src/wasi-console.js';
import { WINSIZE_CHANNEL_NAME, winsizePollSource, withWinsizeChannel } from '../src/wasi-winsize.js';
import { WinsizeCell } from '../src/winsize-cell.js';

// The WASI calls the machine makes on its --winsize channel, against a wasm-like memory.
const ERRNO_AGAIN = 6;
const memory = { buffer: new ArrayBuffer(65536) };
const view = (): DataView => new DataView(memory.buffer);
const bytes = (): Uint8Array => new Uint8Array(memory.buffer);
type Wasi = Record<string, (...a: (number | bigint)[]) => number>;

function setup(): { calls: string[]; wasi: Wasi; cell: WinsizeCell } {
  const calls: string[] = [];
  const base: WasiImports = { wasi_snapshot_preview1: {
    path_open: () => { calls.push('path_open'); return 44; },
    fd_read: (fd) => { calls.push(`fd_read ${fd}`); return 0; },
    fd_close: (fd) => { calls.push(`fd_close ${fd}`); return 0; },
    poll_oneoff: () => 28,
  } };
  const cell = new WinsizeCell();
  const src = winsizePollSource(cell);
  const imports = withWinsizeChannel(withRingConsole(base, new StdinRing(16), () => memory, [src]), src, () => memory);
  return { calls, wasi: imports.wasi_snapshot_preview1 as never, cell };
}

function open(wasi: Wasi, name: string): { errno: number; fd: number } {
  bytes().set(Buffer.from(name), 1000);
  const errno = wasi.path_open!(3, 0, 1000, name.length, 0, 0n, 0n, 4, 2000);
  return { errno, fd: view().getUint32(2000, true) };
}

/** One fd_read into an 8-byte buffer at 3000: [errno, the bytes read]. */
function read(wasi: Wasi, fd: number): [number, number[]] {
  view().setUint32(100, 3000, true);
  view().setUint32(104, 8, true);
  const errno = wasi.fd_read!(fd, 100, 1, 200);
  return [errno, [...bytes().subarray(3000, 3000 + (errno === 0 ? view().getUint32(200, true) : 0))]];
}

/** poll_oneoff with one fd_read subscription on `fd` and a zero timeout: the events' count. */
function ready(wasi: Wasi, fd: number): number {
  const s = 4000;
  bytes().fill(0, s, s + 96);
  view().setUint8(s + 8, 1); // FD_READ
  view().setUint32(s + 16, fd, true);
  view().setUint8(s + 48 + 8, 0); // CLOCK, timeout 0
  expect(wasi.poll_oneoff!(s, 5000, 2, 300)).toBe(0);
  return bytes()[5000 + 10] === 1 ? 1 : 0; // the first event is the fd's, else the clock's
}

describe('the --winsize channel (wasi-winsize)', () => {
  it('opens its own descriptor for the channel name and passes other names on', () => {
    const { calls, wasi } = setup();
    const ch = open(wasi, WINSIZE_CHANNEL_NAME);
    expect(ch.errno).toBe(0);
    expect(ch.fd).toBeGreaterThan(0x3fff_0000);
    expect(open(wasi, 'kernel').errno).toBe(44);
    expect(calls).toEqual(['path_open']);
  });

  it('returns each new size once (le16 rows, le16 cols), EAGAIN in between, and polls readable only then', () => {
    const { wasi, cell } = setup();
    const { fd } = open(wasi, WINSIZE_CHANNEL_NAME);
    expect(read(wasi, fd)).toEqual([ERRNO_AGAIN, []]);
    expect(ready(wasi, fd)).toBe(0);
    cell.set({ rows: 24, cols: 80 });
    cell.set({ rows: 300, cols: 1000 }); // only the newest counts
    expect(ready(wasi, fd)).toBe(1);
    expect(read(wasi, fd)).toEqual([0, [300 & 0xff, 300 >> 8, 1000 & 0xff, 1000 >> 8]]);
    expect(read(wasi, fd)).toEqual([ERRNO_AGAIN, []]);
    expect(ready(wasi, fd)).toBe(0);
  });

  it('clamps sizes to the tty\'s 16-bit fields', () => {
    const cell = new WinsizeCell();
    cell.set({ rows: -3, cols: 70000.7 });
    expect(cell.get()).toEqual({ rows: 0, cols: 65535 });
  });
});
