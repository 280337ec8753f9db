export { COMMANDS } from './commands.js';
export { convertImage, type ConvertOptions, type ConvertSummary } from './convert/convert-image.js';
export { runBundle, type RunOptions } from './run/run-bundle.js';
export { readBundle, type LoadedBundle } from './run/read-bundle.js';
export { readXattrRecords, type XattrMap } from './commit/xattr-records.js';
