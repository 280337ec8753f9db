import { z } from 'zod';
import { ImageConfig, ImageIndex, ImageManifest } from './oci.js';
import { FsSlimReport } from './fs-slim-report.js';
import { RunManifest, RuntimePack } from './runtime-pack.js';
import { Bundle } from './bundle.js';
import { ContainerState } from './container-state.js';

/**
 * Every artifact schema that is published as JSON Schema (tools/gen-schemas.js writes them to
 * docs/schemas/). Add an entry when a package defines a new artifact.
 */
export function jsonSchemas(): Record<string, unknown> {
  const schemas: Record<string, z.ZodType> = {
    'oci-image-config': ImageConfig,
    'oci-image-manifest': ImageManifest,
    'oci-image-index': ImageIndex,
    'fs-slim-report': FsSlimReport,
    'runtime-pack': RuntimePack,
    'run-manifest': RunManifest,
    bundle: Bundle,
    'container-state': ContainerState,
  };
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, z.toJSONSchema(schema, { io: 'input' })]));
}
