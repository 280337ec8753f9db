export { default as ErofsPackCommand } from './command.js';
export { packErofs, type PackInput, type PackResult } from './pack.js';
export { ErofsPackOptions } from './options.js';
export { parseInputSpec, type InputSpec } from '@c2w/streams';
