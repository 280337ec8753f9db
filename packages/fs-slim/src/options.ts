import { z } from 'zod';
import { PROFILES } from './profiles.js';

export const ImageRuntimeSchema = z.object({
  entrypoint: z.array(z.string()),
  cmd: z.array(z.string()),
  env: z.array(z.string()),
  workingDir: z.string(),
});

/** Everything the core needs; the command maps flags onto this. */
export const SlimOptionsSchema = z.object({
  profile: z.enum(PROFILES).default('safe'),
  remove: z.array(z.string().min(1)).default([]),
  keep: z.array(z.string().min(1)).default([]),
  image: ImageRuntimeSchema.optional(),
  /** Hardlink identical files; defaults to on for every profile but `none`. */
  dedupe: z.boolean().optional(),
  /** Let files that differ only in mtime share an inode (the first one's mtime wins). */
  dedupeIgnoreMtime: z.boolean().default(false),
});
export type SlimOptionsInput = z.input<typeof SlimOptionsSchema>;
export type SlimOptions = z.output<typeof SlimOptionsSchema>;
