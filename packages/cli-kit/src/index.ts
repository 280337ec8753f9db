export { BaseCommand } from './base-command.js';
export { installProcessGuards } from './process-guards.js';
export { sharedFlags } from './platform-flag.js';
export { Args, Flags, Parser, execute } from '@oclif/core';
export { createProgress, type Progress, type ProgressStream } from './progress.js';
export { positionals } from './positionals.js';
export { sourceDateEpoch } from './source-date-epoch.js';
export { startupTrace, traceStartup, type StartupTrace } from './startup-trace.js';
