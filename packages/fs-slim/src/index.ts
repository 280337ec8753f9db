export { default as FsSlimCommand } from './command.js';
export { planSlim, writeSlim, type SlimPlan } from './slim.js';
export { SlimOptionsSchema, type SlimOptions, type SlimOptionsInput } from './options.js';
export { PROFILES, type Profile } from './profiles.js';
export { builtinRules, type Rule } from './rules/index.js';
export { imageRuntimeFromConfig } from './image-config.js';
export type { ImageRuntime } from './image-command.js';
export { summarize } from './summary.js';
