export { default as IsoPackCommand } from './command.js';
export { packIso, type PackInput, type PackResult } from './pack.js';
export { IsoPackOptions } from './options.js';
export { parseInputSpec, type InputSpec } from '@c2w/streams';
export { isoIdentifiers } from './iso-names.js';
export { jolietIdentifiers } from './joliet-names.js';
