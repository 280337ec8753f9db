import { z } from 'zod';

/** The typed options of erofs-pack, validated once where flags become options. */
export const ErofsPackOptions = z.object({
  /** The superblock's 16-byte volume name (blkid LABEL). */
  label: z.string().max(16).regex(/^[\x20-\x7e]*$/, 'printable ASCII only').default(''),
  /** build_time of the superblock and mtime of implicit directories (SOURCE_DATE_EPOCH). */
  epoch: z.number().int().min(0),
});
export type ErofsPackOptions = z.infer<typeof ErofsPackOptions>;
