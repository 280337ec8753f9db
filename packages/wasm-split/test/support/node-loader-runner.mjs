// Runs a split module (OUTDIR of wasm-split) under node:wasi with the Node loader, which reads the
// side modules' segments from their files instead of compiling them: DIR ARGS...
import { WASI } from 'node:wasi';
import { instantiateSplitDir } from '../../dist/node-loader.js';

const [dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['reader', ...args], env: {}, preopens: { '/host': dir }, returnOnExit: true });
const { instance, close } = instantiateSplitDir(dir, wasi.getImportObject());
process.exitCode = wasi.start(instance);
close();
