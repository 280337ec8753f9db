import { InputError } from '@c2w/errors';
import { BLOCK } from './iso-bytes.js';
import { CE_LENGTH, ce } from './rock-ridge.js';

// The Linux kernel follows at most 32 continuation areas per record (RR_MAX_CE_ENTRIES).
const MAX_HOPS = 31;

/**
 * Places continuation areas in a run of blocks, never across a block boundary (the kernel reads
 * one block per CE). Allocation is deterministic, so the sizing pass and the writing pass agree.
 */
export class ContinuationArea {
  private block = 0;
  private offset = 0;
  private readonly blocks: Buffer[] | null;

  constructor(readonly base: number, keep: boolean) {
    this.blocks = keep ? [] : null;
  }

  get blockCount(): number {
    return this.offset === 0 ? this.block : this.block + 1;
  }

  alloc(length: number): { block: number; offset: number } {
    if (this.offset + length > BLOCK) {
      this.block++;
      this.offset = 0;
    }
    const at = { block: this.base + this.block, offset: this.offset };
    this.offset += length;
    return at;
  }

  put(at: { block: number; offset: number }, data: Buffer): void {
    if (!this.blocks) return;
    const i = at.block - this.base;
    while (this.blocks.length <= i) this.blocks.push(Buffer.alloc(BLOCK));
    data.copy(this.blocks[i]!, at.offset);
  }

  /** The written blocks (writing pass only). */
  contents(): Buffer[] {
    const out = this.blocks ?? [];
    while (out.length < this.blockCount) out.push(Buffer.alloc(BLOCK));
    return out;
  }
}

function take(fields: Buffer[], from: number, budget: number): number {
  let size = 0;
  let i = from;
  while (i < fields.length && size + fields[i]!.length <= budget) size += fields[i++]!.length;
  return i;
}

function total(fields: Buffer[], from: number): number {
  let n = 0;
  for (let i = from; i < fields.length; i++) n += fields[i]!.length;
  return n;
}

/**
 * Lays out one record's System Use fields: as many as fit in the record (`budget` bytes), the rest
 * in chained continuation areas of at most one block each. Returns the in-record bytes.
 */
export function placeSystemUse(fields: Buffer[], budget: number, area: ContinuationArea, what: string): Buffer {
  if (total(fields, 0) <= budget) return Buffer.concat(fields);
  const inlineEnd = take(fields, 0, budget - CE_LENGTH);
  const chunks: Buffer[][] = [];
  let i = inlineEnd;
  while (i < fields.length) {
    const end = total(fields, i) <= BLOCK ? fields.length : take(fields, i, BLOCK - CE_LENGTH);
    chunks.push(fields.slice(i, end));
    i = end;
  }
  if (chunks.length > MAX_HOPS) throw new InputError(`${what}: Rock Ridge data needs more than ${MAX_HOPS} continuation areas (name or symlink target too long)`);
  const sizes = chunks.map((c, k) => total(c, 0) + (k < chunks.length - 1 ? CE_LENGTH : 0));
  const places = sizes.map((s) => area.alloc(s));
  chunks.forEach((c, k) => {
    const next = k < chunks.length - 1 ? [ce(places[k + 1]!.block, places[k + 1]!.offset, sizes[k + 1]!)] : [];
    area.put(places[k]!, Buffer.concat([...c, ...next]));
  });
  return Buffer.concat([...fields.slice(0, inlineEnd), ce(places[0]!.block, places[0]!.offset, sizes[0]!)]);
}
