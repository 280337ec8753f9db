export { default as EmuBuildCommand } from './command.js';
export { buildPack, machineFor, KERNEL_APPEND, type BuildResult } from './build-pack.js';
export { EmuBuildOptions, defaultCacheDir } from './options.js';
export { writeRunChannel } from './run-channel.js';
export { runtimeConfig, shareMountPoint, type RunOverrides } from './runtime-config.js';
export { DebianArchive } from './debian/archive.js';
export { compareVersions } from './debian/version.js';
export { kernelSource, kernelSourceFor, changelogEpoch, type KernelSource } from './build/kernel-source.js';
export { hostDebianMirror } from './debian/mirror.js';
