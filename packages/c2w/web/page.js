/* global document, window, location, Worker, URL, Blob, ResizeObserver */
// The page: a terminal (xterm.js, DOM renderer, so its text is in the document), the machine in a
// worker, a form that turns a command into the URL's query, progress while files load, and the
// exit status. Files dropped or picked go to the worker's /mnt/host directory and its files come
// back as download links (docs/serve.md, "Host files"). window.c2w holds timings, traffic and the
// terminal's size (the container's pty follows it when the bundle has one).
import { Terminal } from './vendor/xterm.mjs';
import { FitAddon } from './vendor/addon-fit.mjs';
import { commandQuery, splitWords } from './command-line.js';
import { LineDiscipline } from './line-discipline.js';
import { StdinRing } from './vendor/stdin-ring.js';
import { WinsizeCell } from './vendor/winsize-cell.js';

const $ = (id) => document.getElementById(id);
const state = { tty: null, files: [], firstOutputMs: null, exitMs: null, code: null, traffic: null, sizes: null, error: null };
window.c2w = state;

const quote = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);
const params = new URLSearchParams(location.search);
const form = $('command');
form.args.value = params.getAll('arg').map(quote).join(' ');
form.env.value = params.getAll('env').map(quote).join(' ');
form.init.checked = params.get('init') === '1';
form.addEventListener('submit', (e) => {
  e.preventDefault();
  try {
    location.search = commandQuery(splitWords(form.args.value), splitWords(form.env.value), form.init.checked).toString();
  } catch (err) {
    setStatus('failed', `the form: ${err.message}`);
  }
});

const term = new Terminal({ convertEol: true, cursorBlink: true, rows: 24, cols: 80, scrollback: 5000 });
// the terminal fills its element; with a pty in the container its size is the container's too
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
term.focus();
state.size = { rows: term.rows, cols: term.cols };

const worker = new Worker('worker.js', { type: 'module' });
const decoder = new TextDecoder();
const transcript = $('transcript');
// keys go as messages (JSPI); a cross-origin isolated page may use the Node host's ring instead
// (?input=sab, or when this browser lacks JSPI): docs/decisions/0025-browser-jspi.md
const useRing = window.crossOriginIsolated && (params.get('input') === 'sab' || typeof WebAssembly.Suspending !== 'function');
const ring = useRing ? new StdinRing() : undefined;
// with the ring the worker never reads a message mid-run: sizes go through shared memory too
const winsizeCell = useRing ? new WinsizeCell() : undefined;
const pending = [];
async function toRing(bytes) {
  pending.push(bytes);
  if (pending.length > 1) return; // a copy is already waiting for room
  while (pending.length) {
    let rest = pending[0];
    while (rest.length) {
      rest = rest.subarray(ring.write(rest));
      if (rest.length) await ring.waitForSpace(100);
    }
    pending.shift();
  }
}
const send = (bytes) => (ring ? void toRing(bytes) : worker.postMessage({ type: 'input', data: bytes.buffer }, [bytes.buffer]));
const discipline = new LineDiscipline(send, (text) => term.write(text));
// with a pty (state.tty, the worker says) keys go as they are: the pty echoes and edits
const encoder = new TextEncoder();
// keys typed before the worker knows the run's mode wait here: echoing them through the line
// discipline and then again through the container's pty would garble the screen
const early = [];
const feedKeys = (data) => {
  if (state.tty) send(encoder.encode(data));
  else discipline.feed(data);
};
term.onData((data) => {
  if (state.code !== null) return;
  if (state.tty === null) early.push(data);
  else feedKeys(data);
});
term.onResize(({ rows, cols }) => {
  state.size = { rows, cols };
  if (state.code !== null) return;
  if (winsizeCell) {
    winsizeCell.set({ rows, cols });
    ring.ring(); // wakes the worker's Atomics.wait
  } else worker.postMessage({ type: 'resize', rows, cols });
});
new ResizeObserver(() => fit.fit()).observe($('terminal'));

function setStatus(kind, text) {
  $('status').dataset.state = kind;
  $('status').textContent = text;
}

const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
/** A host file lives in the worker's memory, as does anything the guest writes there. */
const MAX_FILE = 256 * 1048576;
async function addFiles(list) {
  for (const f of list) {
    if (f.size > MAX_FILE) { console.warn(`${f.name}: ${mib(f.size)} is over the ${mib(MAX_FILE)} a host file may have`); continue; }
    const data = await f.arrayBuffer();
    worker.postMessage({ type: 'file', name: f.name, data }, [data]);
  }
  worker.postMessage({ type: 'list' });
}
$('file-input').addEventListener('change', (e) => void addFiles([...e.target.files]));
$('terminal').addEventListener('dragover', (e) => e.preventDefault());
$('terminal').addEventListener('drop', (e) => { e.preventDefault(); void addFiles([...e.dataTransfer.files]); });
$('list-files').addEventListener('click', () => { if (state.code === null) worker.postMessage({ type: 'list' }); });

let fileUrls = [];
function showFiles(files) {
  for (const url of fileUrls) URL.revokeObjectURL(url);
  fileUrls = files.map((f) => URL.createObjectURL(new Blob([f.data])));
  $('files').replaceChildren(...files.map((f, i) => {
    const li = document.createElement('li');
    const a = Object.assign(document.createElement('a'), { href: fileUrls[i], download: f.name, textContent: f.name });
    li.append(a, ` (${f.data.byteLength} bytes)`);
    return li;
  }));
  state.files = files.map((f) => f.name);
}

// The transcript is text for readers and tests: a pty's \r\n (crun keeps the pty's ONLCR, ADR 0042)
// reads as \n there, as in the container's own view; a \r at a chunk's end waits for the next chunk
let heldCr = false;
const plainLines = (text) => {
  if (heldCr) text = `\r${text}`;
  heldCr = text.endsWith('\r');
  return (heldCr ? text.slice(0, -1) : text).replace(/\r\n/g, '\n');
};

worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'mode') {
    state.tty = m.tty;
    for (const data of early.splice(0)) feedKeys(data);
  } else if (m.type === 'files') {
    showFiles(m.files);
  } else if (m.type === 'out') {
    if (state.firstOutputMs === null) {
      state.firstOutputMs = performance.now(); // since navigation started (performance.timeOrigin)
      $('progress').hidden = true;
      setStatus('running', 'running');
    }
    term.write(m.data);
    transcript.textContent += plainLines(decoder.decode(m.data, { stream: true }));
  } else if (m.type === 'progress') {
    $('progress').querySelector('progress').value = m.total ? m.loaded / m.total : 0;
    $('progress-text').textContent = m.total > 1 ? `${m.label}: ${mib(m.loaded)} of ${mib(m.total)}` : m.label;
    if (m.label === 'booting') setStatus('booting', 'booting');
  } else if (m.type === 'warning') {
    console.warn(m.text);
  } else if (m.type === 'exit') {
    Object.assign(state, { exitMs: performance.now(), code: m.code, traffic: m.traffic, sizes: m.sizes, loadMs: m.loadMs, runMs: m.runMs, input: m.input, jspi: m.jspi, reads: m.reads });
    $('progress').hidden = true;
    const disks = m.ranged.map((name) => [name, m.sizes[name]]);
    const read = disks.map(([name, size]) => `${name}: ${mib(m.traffic[name])} of ${mib(size)} read`).join(', ');
    setStatus('exited', `exited with status ${m.code}${read ? ` (${read})` : ''}`);
    worker.terminate();
  } else if (m.type === 'error') {
    state.error = m.message;
    $('progress').hidden = true;
    setStatus('failed', `the machine failed: ${m.message}`);
    worker.terminate();
  }
};
worker.onerror = (e) => {
  state.error = e.message;
  setStatus('failed', `the worker failed: ${e.message}`);
};
worker.postMessage({ type: 'start', query: location.search, ring: ring?.sab, winsize: winsizeCell?.sab, size: { rows: term.rows, cols: term.cols } });
