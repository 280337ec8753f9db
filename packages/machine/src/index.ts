export { runMachine, runWithArgs, defaultWasmPath } from './node-host.js';
export { startMachine, compileMachine, type MachineStart } from './machine-start.js';
export type { RunIo } from './node-host.js';
export { buildArgs } from './wasm-args.js';
export { parseArgs, parseShare, ARCHES } from './options.js';
export { MachineStoppedError } from './machine-stopped.js';
export type { MachineOptions, TerminalSize, MachineArch, DriveOption, ShareOption } from './options.js';
export type { NetOptions } from './net-host.js';
export type { Winsize } from './winsize-cell.js';
