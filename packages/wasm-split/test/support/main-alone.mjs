// Instantiates OUTDIR/main.wasm alone, with WASI's imports only: what a host that does not know the split does.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const wasi = new WASI({ version: 'preview1', args: ['reader'], env: {}, returnOnExit: true });
await WebAssembly.instantiate(await readFile(process.argv[2]), wasi.getImportObject());
