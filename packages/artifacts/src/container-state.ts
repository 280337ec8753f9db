import { z } from 'zod';

/**
 * `state.json` of a persistent container state (`c2w run --name`/`--state`, docs/decisions/0032):
 * the image its writable layer belongs to and the layer's disk. The disk is `upper.ext4` beside it.
 */
export const ContainerState = z.object({
  schemaVersion: z.literal(1),
  /** Digests of the bundle's root disks: the lower layers the upper one was written against. */
  image: z.object({ rootDisks: z.array(z.string()).min(1), manifestDigest: z.string() }),
  disk: z.object({ file: z.literal('upper.ext4'), bytes: z.number().int().positive() }),
  /** The bundle directory of the last run (absolute), which `c2w commit` starts from. */
  bundle: z.string(),
});
export type ContainerState = z.infer<typeof ContainerState>;
