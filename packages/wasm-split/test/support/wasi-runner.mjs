// Runs a split module (OUTDIR of wasm-split) under node:wasi with the package's loader: DIR ARGS...
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { instantiateSplit } from '../../dist/index.js';

const [dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['reader', ...args], env: {}, preopens: { '/host': dir }, returnOnExit: true });
const { instance } = await instantiateSplit((file) => readFile(join(dir, file)), wasi.getImportObject());
process.exitCode = wasi.start(instance);
