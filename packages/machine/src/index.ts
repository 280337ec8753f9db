export { runMachine, runWithArgs, buildArgs, parseArgs, parseShare, defaultWasmPath, UsageError } from './node-host.js';
export type { MachineOptions, DriveOption, ShareOption } from './node-host.js';
