export { splitModule } from './split.js';
export { instantiateSplit, type ReadSplitFile } from './loader.js';
export { instantiateSplitDir } from './node-loader.js';
export { SplitManifest, MANIFEST_FILE } from './manifest.js';
export { parseMaxModuleSize, DEFAULT_MAX_MODULE_MIB, MAX_DATA_SEGMENTS } from './budgets.js';
export { default as WasmSplitCommand } from './command.js';
