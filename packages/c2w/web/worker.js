/* global self */
// The machine's thread in the browser: fetches machine.wasm and the small boot files, presents the
// disks as files read by HTTP ranges, and runs the machine under the WASI shim. Messages to the
// page: progress, out (console bytes), warning, files (the host-files directory), exit (status and
// traffic) and error. The page sends input (keys), file (a dropped file) and list (ask for files).
import { Fd, File, OpenFile, PreopenDirectory, WASI, WASIProcExit, wasi } from './vendor/wasi-shim/index.js';
import { withJspiConsole, InputQueue } from './console-input.js';
import { HttpBlocks } from './http-blocks.js';
import { RangeFile } from './range-file.js';
import { StdinRing } from './vendor/stdin-ring.js';
import { WinsizeChannel } from './winsize-channel.js';
import { WinsizeCell } from './vendor/winsize-cell.js';

const queue = new InputQueue();
// the page's terminal size, for a bundle whose container gets a pty (plan.winsize); made at start
let winsize = new WinsizeChannel();
// the host-files directory: the PreopenDirectory keeps this Map, so files added mid-run appear too
const hostDir = new Map();
const post = (m, transfer) => self.postMessage(m, transfer ?? []);

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'start') run(m.query, m.ring, m.size, m.winsize).catch((err) => post({ type: 'error', message: String(err?.message ?? err) }));
  else if (m.type === 'input') queue.push(new Uint8Array(m.data));
  else if (m.type === 'resize') { winsize.set(m.rows, m.cols); queue.wake(); }
  else if (m.type === 'file') hostDir.set(m.name, new File(m.data));
  else if (m.type === 'list') postFiles();
};

/** Copies of the regular files at the top of the host-files directory (the guest may be writing them). */
function postFiles() {
  const files = [...hostDir].filter(([, inode]) => inode instanceof File).map(([name, inode]) => ({ name, data: inode.data.slice().buffer }));
  post({ type: 'files', files }, files.map((f) => f.data));
}

/** The guest console: every write goes to the page as it happens. */
class ConsoleOut extends Fd {
  fd_fdstat_get() {
    return { ret: 0, fdstat: new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0) };
  }

  fd_write(data) {
    const copy = data.slice();
    post({ type: 'out', data: copy }, [copy.buffer]);
    return { ret: 0, nwritten: data.length };
  }
}

/** GETs `url` whole, reporting progress as `label`. */
async function fetchWhole(url, label, size) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${label} failed: HTTP ${res.status}`);
  const total = size ?? Number(res.headers.get('Content-Length') ?? 0);
  const parts = [];
  let got = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    post({ type: 'progress', label, loaded: got, total });
  }
  const bytes = new Uint8Array(got);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return bytes;
}

/** The run channel for the page's query, from the image's request file. */
async function runChannel(requestUrl, query) {
  const res = await fetch(requestUrl);
  if (!res.ok) throw new Error(`fetching ${requestUrl} failed: HTTP ${res.status}`);
  const { channelManifest, channelTar } = await import('./run-channel.js');
  return channelTar(channelManifest(await res.json(), new URLSearchParams(query), Math.floor(Date.now() / 1000)));
}

async function run(pageQuery, ringBuffer, size, winsizeBuffer) {
  if (winsizeBuffer) winsize = new WinsizeChannel(new WinsizeCell(winsizeBuffer));
  // the terminal's size travels beside the command (the server's channel gives the pty that size)
  const sized = new URLSearchParams(pageQuery);
  sized.set('rows', String(size.rows));
  sized.set('cols', String(size.cols));
  let query = `?${sized}`;
  const t0 = performance.now();
  if (!ringBuffer && typeof WebAssembly.Suspending !== 'function') {
    throw new Error('this browser lacks JSPI (WebAssembly.Suspending), which the page needs for keyboard input: use Chromium 137 or newer (docs/serve.md)');
  }
  const planRes = await fetch(`plan.json${query}`);
  if (!planRes.ok) throw new Error(`the server refused the request: ${(await planRes.text()).trim()}`);
  const plan = await planRes.json();
  // a bundle whose init has no pty: the page keeps its line discipline, the command stays as it was
  if (!plan.winsize) query = pageQuery;
  post({ type: 'mode', tty: Boolean(plan.winsize) });
  const wasmBytes = await fetchWhole(plan.wasm.url, 'machine.wasm', plan.wasm.size);
  post({ type: 'progress', label: 'compiling machine.wasm', loaded: 1, total: 1 });
  const module = await WebAssembly.compile(wasmBytes);
  const traffic = { 'machine.wasm': wasmBytes.length };
  const dirs = new Map();
  const disks = [];
  for (const f of plan.files) {
    const slash = f.guest.lastIndexOf('/');
    const dir = f.guest.slice(0, slash);
    const name = f.guest.slice(slash + 1);
    let inode;
    if (f.request) {
      // a static directory: no server writes the channel, the page does (same bytes)
      const bytes = await runChannel(f.request, query);
      traffic[name] = bytes.length;
      inode = new File(bytes, { readonly: true });
    } else if (f.whole) {
      const bytes = await fetchWhole(f.url, name, f.size);
      traffic[name] = bytes.length;
      inode = new File(bytes, { readonly: true });
    } else {
      const blocks = new HttpBlocks(f.url, f.size, { chunks: f.chunks });
      disks.push([name, blocks]);
      inode = new RangeFile(blocks);
    }
    if (!dirs.has(dir)) dirs.set(dir, new Map());
    dirs.get(dir).set(name, inode);
  }
  const polled = [];
  if (plan.winsize) {
    const slash = plan.winsize.lastIndexOf('/');
    const dir = plan.winsize.slice(0, slash);
    if (!dirs.has(dir)) dirs.set(dir, new Map());
    dirs.get(dir).set(plan.winsize.slice(slash + 1), winsize);
    winsize.set(size.rows, size.cols);
    polled.push({ isFd: (fd) => shim.fds[fd] === winsize.fd, readable: () => winsize.readable() });
  }
  post({ type: 'progress', label: 'booting', loaded: 1, total: 1 });
  const fds = [new OpenFile(new File([])), new ConsoleOut(), new ConsoleOut(), ...[...dirs].map(([dir, files]) => new PreopenDirectory(dir, files))];
  fds.push(new PreopenDirectory(plan.hostFiles.guest, hostDir));
  const shim = new WASI(['c2w-machine', ...plan.argv], [], fds, { debug: false });
  const stats = { yields: 0, yieldMs: 0, waits: 0, waitMs: 0 };
  const made = {};
  const ring = ringBuffer ? new StdinRing(ringBuffer) : undefined;
  const imports = withJspiConsole({ wasi_snapshot_preview1: shim.wasiImport }, queue, () => made.instance.exports.memory, stats, ring, polled);
  made.instance = await WebAssembly.instantiate(module, imports);
  shim.inst = made.instance;
  const tBoot = performance.now();
  let code;
  try {
    // with a ring the machine blocks in Atomics.wait and needs no promise
    if (ring) made.instance.exports._start();
    else await WebAssembly.promising(made.instance.exports._start)();
    code = 0;
  } catch (err) {
    if (!(err instanceof WASIProcExit)) throw err;
    code = err.code;
  }
  const reads = {};
  for (const [name, blocks] of disks) {
    traffic[name] = blocks.fetched;
    reads[name] = { requests: blocks.requests, ms: blocks.fetchMs };
  }
  postFiles();
  post({
    type: 'exit', code, traffic,
    sizes: Object.fromEntries(plan.files.filter((f) => f.size !== null).map((f) => [f.guest.slice(f.guest.lastIndexOf('/') + 1), f.size])),
    input: ring ? 'sab' : 'jspi', ranged: disks.map(([name]) => name), loadMs: tBoot - t0, runMs: performance.now() - tBoot, jspi: stats, reads,
  });
}
