// The loader with @bjorn3/browser_wasi_shim (the WASI browsers use) and a fetch-like reader that
// hands out ArrayBuffers: DIR ARGS... Prints the program's stdout, then exits with its status.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '@bjorn3/browser_wasi_shim';
import { instantiateSplit } from '../../dist/index.js';

const [dir, ...args] = process.argv.slice(2);
let stdout = '';
const fds = [
  new OpenFile(new File([])),
  ConsoleStdout.lineBuffered((line) => { stdout += `${line}\n`; }),
  ConsoleStdout.lineBuffered((line) => process.stderr.write(`${line}\n`)),
  new PreopenDirectory('/host', new Map()),
];
const wasi = new WASI(['reader', ...args], [], fds, { debug: false });
const fetchLike = async (file) => { const b = await readFile(join(dir, file)); return b.buffer.slice(b.byteOffset, b.byteOffset + b.length); };
const { instance } = await instantiateSplit(fetchLike, { wasi_snapshot_preview1: wasi.wasiImport });
const status = wasi.start(instance);
process.stdout.write(stdout);
process.exitCode = status;
