export { default as IsoPackCommand } from './command.js';
export { packIso, type PackInput, type PackResult } from './pack.js';
export { IsoPackOptions } from './options.js';
export { parseInputSpec, type InputSpec } from './input-spec.js';
export { isoIdentifiers } from './iso-names.js';
export { jolietIdentifiers } from './joliet-names.js';
