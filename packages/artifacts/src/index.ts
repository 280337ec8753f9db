export { MediaType, Digest, Platform, Descriptor, ImageManifest, ImageIndex, ImageConfig } from './oci.js';
export { jsonSchemas } from './json-schemas.js';
