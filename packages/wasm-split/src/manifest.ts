import { z } from 'zod';

/** OUTDIR/split.json: what a loader needs, and sizes and digests to check a download against. */
export const MANIFEST_FILE = 'split.json';

const ModuleFile = z.object({
  file: z.string().regex(/^[a-z0-9.-]+\.wasm$/),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const SplitManifest = z.object({
  version: z.literal(1),
  // main.wasm imports its memory as memory.module/memory.name; the loader creates it with these limits (pages of 64 KiB).
  memory: z.object({ module: z.string(), name: z.string(), initial: z.number().int().nonnegative(), maximum: z.number().int().nonnegative().optional() }),
  main: ModuleFile,
  // data-K.wasm: instantiated with {[memory.module]: {[memory.name]: memory}}; its export `init` is main's import `${module}`.`init_${K}`.
  data: z.array(ModuleFile.extend({ import: z.object({ module: z.string(), name: z.string() }), segments: z.number().int().positive() })),
});
export type SplitManifest = z.infer<typeof SplitManifest>;
