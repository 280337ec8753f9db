import type { Inode } from './tree.js';

/**
 * A run of blocks holding one file body, and every inode whose data it is: hardlinks share one
 * inode, --dedupe copies add owners. A lone owner is stored without an array (one per file).
 */
export interface DataExtent { block: number; blocks: number; owners: Inode | Inode[] }

export interface BlockMover {
  copy(from: number, to: number, blocks: number): Promise<void>;
}

/**
 * Frees everything below block `freeTo` of the data for the metadata, which libarchive needs
 * before any file data (it reads an image strictly forwards). Extents overlapping that range move
 * to the end; then the gap between the metadata and the first remaining extent is filled with
 * extents taken from the end, so the image does not grow. Copies roughly the metadata's size.
 * Returns the new end of the volume (in blocks).
 */
export async function makeRoom(extents: DataExtent[], freeTo: number, end: number, mover: BlockMover): Promise<number> {
  const live = [...extents].sort((a, b) => a.block - b.block);
  let volumeEnd = Math.max(end, freeTo);
  const evicted = live.filter((e) => e.block < freeTo);
  const staying = live.filter((e) => e.block >= freeTo);
  for (const e of evicted) {
    await move(e, volumeEnd, mover);
    volumeEnd += e.blocks;
  }
  const kept = staying.concat(evicted);
  // kept is sorted by block again: evicted extents now sit after every other one.
  let cursor = freeTo;
  const gapEnd = kept.length > 0 ? kept[0]!.block : volumeEnd;
  while (kept.length > 0) {
    const last = kept[kept.length - 1]!;
    if (last.block < gapEnd || cursor + last.blocks > gapEnd) break;
    await move(last, cursor, mover);
    cursor += last.blocks;
    kept.pop();
  }
  const tail = kept.length > 0 ? kept[kept.length - 1]! : null;
  return Math.max(cursor, tail ? tail.block + tail.blocks : freeTo);
}

async function move(e: DataExtent, to: number, mover: BlockMover): Promise<void> {
  await mover.copy(e.block, to, e.blocks);
  e.block = to;
  if (Array.isArray(e.owners)) for (const inode of e.owners) inode.extent = to;
  else e.owners.extent = to;
}
