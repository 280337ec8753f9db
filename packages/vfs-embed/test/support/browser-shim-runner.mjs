// The same program on another WASI implementation: @bjorn3/browser_wasi_shim (in memory, the one
// browsers use), with one in-memory preopen /host holding h.txt. Prints the program's stdout, then
// exits with its status.
import { readFile } from 'node:fs/promises';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '@bjorn3/browser_wasi_shim';

const [module, ...args] = process.argv.slice(2);
let stdout = '';
const fds = [
  new OpenFile(new File([])),
  ConsoleStdout.lineBuffered((line) => { stdout += `${line}\n`; }),
  ConsoleStdout.lineBuffered((line) => process.stderr.write(`${line}\n`)),
  new PreopenDirectory('/host', new Map([['h.txt', new File(new TextEncoder().encode('on the host\n'))]])),
];
const wasi = new WASI(['reader', ...args], [], fds, { debug: false });
const { instance } = await WebAssembly.instantiate(await readFile(module), { wasi_snapshot_preview1: wasi.wasiImport });
const status = wasi.start(instance);
process.stdout.write(stdout);
process.exitCode = status;
