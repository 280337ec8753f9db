import type { FileHandle } from 'node:fs/promises';
import { BlockWriter, type TarImageInput } from '@c2w/streams';
import { ImageBuilder } from './image-builder.js';
import { BLOCK, blocksFor } from './iso-bytes.js';
import { MetadataPlan, reservedBlocks } from './metadata.js';
import { makeRoom } from './relocate.js';
import type { IsoPackOptions } from './options.js';

/** A tar's bytes, the image directory that receives its root ('' = the image root), its name for messages. */
export type PackInput = TarImageInput;

export interface PackResult { entries: number; volumeBlocks: number }

/**
 * Packs tar streams into an ISO 9660 image on a new, empty, seekable file: file data is written
 * as the entries arrive, right after the reserved descriptor blocks; directories, continuation
 * areas and path tables follow the data; the volume descriptors are written last.
 */
export async function packIso(inputs: PackInput[], handle: FileHandle, options: IsoPackOptions, warn: (message: string) => void = () => undefined): Promise<PackResult> {
  const joliet = options.joliet || options.jolietLong;
  const metaStart = reservedBlocks(joliet);
  const writer = new BlockWriter(handle, (metaStart + RESERVE_BLOCKS) * BLOCK, BLOCK);
  const builder = new ImageBuilder(writer, { dedupe: options.dedupe, defaultMtime: options.epoch, warn });
  for (const input of inputs) await builder.addTar(input.source, input.graft, input.what);
  await writer.drain();
  const plan = new MetadataPlan(builder.root, { volumeId: options.volumeId, created: options.epoch, joliet, jolietLong: options.jolietLong, warn });
  const dataEnd = await makeRoom(builder.extents, metaStart + plan.blocks, blocksFor(writer.position), writer);
  // libarchive's format detection reads 48 KiB past the system area before it bids on an image.
  const volumeBlocks = Math.max(dataEnd, MIN_VOLUME_BLOCKS);
  await plan.write(handle, metaStart, volumeBlocks, await writer.takeBuffer());
  await handle.truncate(volumeBlocks * BLOCK);
  return { entries: builder.entries, volumeBlocks };
}

const MIN_VOLUME_BLOCKS = 40;

/**
 * Blocks left free before the first file body for the metadata, which is only known at the end.
 * A constant on purpose: the reserve decides where every extent lands, so one guessed from the
 * input size gave different bytes for the same tar read from a file and from a pipe. A reserve
 * that does not fit costs a copy of about the difference (makeRoom), never a failure.
 */
const RESERVE_BLOCKS = 4096;
