// A ten-line WASI runner that is not vfs-embed's: node:wasi, host preopens from --dir GUEST=HOST,
// the rest of the command line as the program's arguments. Exits with the program's status.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
while (argv[0] === '--dir') { const [guest, host] = argv[1].split('='); preopens[guest] = host; argv.splice(0, 2); }
const [module, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: ['reader', ...args], env: {}, preopens, returnOnExit: true });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(module)), wasi.getImportObject());
process.exitCode = wasi.start(instance);
