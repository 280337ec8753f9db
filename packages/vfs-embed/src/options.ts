import { z } from 'zod';

/** The typed options of vfs-embed, validated once where flags become options. */
export const VfsEmbedOptions = z.object({
  /** Guest directory of the embedded files: absolute, without `.` or `..` components. */
  mount: z.string().regex(/^\/[^\0]*$/, 'an absolute guest path like /embed')
    .refine((m) => !m.split('/').some((c) => c === '.' || c === '..'), 'no . or .. components'),
  /** Write modules over V8's 1 GiB limit with a warning instead of failing. */
  allowLarge: z.boolean(),
});
export type VfsEmbedOptions = z.infer<typeof VfsEmbedOptions>;
