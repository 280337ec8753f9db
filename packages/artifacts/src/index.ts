export { MediaType, Digest, Platform, Descriptor, ImageManifest, ImageIndex, ImageConfig } from './oci.js';
export { jsonSchemas } from './json-schemas.js';
export { FsSlimReport } from './fs-slim-report.js';
export { RuntimePack, RunManifest, RunMount, RuntimeConfig, MACHINE_ARCHES, NATIVE_IMAGE_ARCH, BOOT_FILES, type MachineArch } from './runtime-pack.js';
export { Bundle } from './bundle.js';
export { ContainerState } from './container-state.js';
