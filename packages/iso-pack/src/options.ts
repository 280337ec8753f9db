import { z } from 'zod';

/** The typed options of iso-pack, validated once where flags become options. */
export const IsoPackOptions = z.object({
  joliet: z.boolean().default(false),
  jolietLong: z.boolean().default(false),
  dedupe: z.boolean().default(false),
  // ISO 9660 volume identifiers are 32 d-characters; we accept what genisoimage -V accepts in practice.
  volumeId: z.string().min(1).max(32).regex(/^[\x20-\x7e]+$/, 'printable ASCII only').default('CDROM'),
  /** Creation time of the volume and mtime of implicit directories (SOURCE_DATE_EPOCH). */
  epoch: z.number().int().min(0),
});
export type IsoPackOptions = z.infer<typeof IsoPackOptions>;
