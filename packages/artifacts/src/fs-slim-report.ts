import { z } from 'zod';

const Totals = z.object({
  entries: z.number().int().nonnegative(),
  /** Non-directory entries. */
  files: z.number().int().nonnegative(),
  /** Sum of regular file sizes (what extraction writes to disk, before block rounding). */
  bytes: z.number().int().nonnegative(),
});

const Removal = z.object({
  id: z.string(),
  /** The lowest profile that enables the rule; `user` for --remove. */
  profile: z.enum(['safe', 'standard', 'aggressive', 'user']),
  files: z.number().int().nonnegative(),
  directories: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});

const Protection = z.object({
  id: z.string(),
  /** Entries a rule matched that this protection kept. */
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});

const Symlink = z.object({ path: z.string(), target: z.string() });

/** What `fs-slim --report` writes: what went, why, and what stayed. */
export const FsSlimReport = z.object({
  schemaVersion: z.literal(1),
  profile: z.enum(['none', 'safe', 'standard', 'aggressive']),
  dryRun: z.boolean(),
  input: Totals,
  output: Totals,
  removed: z.array(Removal),
  protected: z.array(Protection),
  dedupe: z.object({
    enabled: z.boolean(),
    ignoreMtime: z.boolean(),
    hardlinks: z.number().int().nonnegative(),
    bytesSaved: z.number().int().nonnegative(),
  }),
  /** Kept symlinks whose target existed in the input and is gone from the output (expected: none). */
  danglingSymlinksCreated: z.array(Symlink),
  /** The largest directories up to three levels deep, by input size. */
  topDirectories: z.array(z.object({
    path: z.string(),
    bytesBefore: z.number().int().nonnegative(),
    bytesAfter: z.number().int().nonnegative(),
    filesBefore: z.number().int().nonnegative(),
    filesAfter: z.number().int().nonnegative(),
  })),
});
export type FsSlimReport = z.infer<typeof FsSlimReport>;
