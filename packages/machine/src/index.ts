export { runMachine, runWithArgs, buildArgs, parseArgs, defaultWasmPath, UsageError } from './node-host.js';
export type { MachineOptions, DriveOption } from './node-host.js';
