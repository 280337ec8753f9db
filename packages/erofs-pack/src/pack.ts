import type { FileHandle } from 'node:fs/promises';
import { BlockWriter, type TarImageInput } from '@c2w/streams';
import { BLOCK, SUPER_OFFSET, superBlock } from './erofs-format.js';
import { ImageBuilder } from './image-builder.js';
import { writeMetadata } from './metadata.js';
import { TailSpool } from './tail-spool.js';
import type { ErofsPackOptions } from './options.js';

/** A tar's bytes, the image directory that receives its root ('' = the image root), its name for messages. */
export type PackInput = TarImageInput;

export interface PackResult { entries: number; inodes: number; blocks: number }

/**
 * Packs tar streams into an EROFS image on a new, empty, seekable file. File data goes out first,
 * from block 1, as the entries arrive (the last partial block of a file waits in a TailSpool); directories and inodes follow once the tree is complete
 * (EROFS addresses both by block, so nothing has to be reserved or moved); the superblock in
 * block 0 is written last.
 */
export async function packErofs(inputs: PackInput[], handle: FileHandle, options: ErofsPackOptions, warn: (message: string) => void = () => undefined): Promise<PackResult> {
  const writer = new BlockWriter(handle, BLOCK, BLOCK);
  const tails = await TailSpool.create();
  let builder: ImageBuilder;
  let layout: Awaited<ReturnType<typeof writeMetadata>>;
  try {
    builder = new ImageBuilder(writer, tails, { defaultMtime: options.epoch, warn });
    for (const input of inputs) await builder.addTar(input.source, input.graft, input.what);
    writer.padToBlock();
    layout = await writeMetadata(builder.root, writer, tails);
  } finally {
    await tails.close();
  }
  const sb = superBlock({
    rootNid: layout.rootNid, inodes: layout.inodes, buildTime: options.epoch, blocks: layout.blocks,
    metaBlock: layout.metaBlock, volumeName: Buffer.from(options.label, 'latin1'),
  });
  let done = 0;
  while (done < sb.length) done += (await handle.write(sb, done, sb.length - done, SUPER_OFFSET + done)).bytesWritten;
  await handle.truncate(layout.blocks * BLOCK);
  return { entries: builder.entries, inodes: layout.inodes, blocks: layout.blocks };
}
