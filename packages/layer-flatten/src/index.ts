export { default as LayerFlattenCommand } from './command.js';
export { flattenImage, flattenTo, FlattenOptions, type FlattenSummary } from './flatten.js';
export type { ImageSource, RootDocument } from './source/image-source.js';
export { openSource } from './source/open-source.js';
export { resolveImage, type ResolvedImage } from './image/resolve-image.js';
export { parsePlatform, selectPlatform, normalisePlatform, type PlatformSpec } from './image/platform.js';
export { progressStatus, silentProgress, type Progress } from './progress.js';
