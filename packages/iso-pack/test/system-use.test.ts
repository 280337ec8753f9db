import fc from 'fast-check';
import { InputError } from '@c2w/errors';
import { systemUseBudget } from '../src/dir-record.js';
import { BLOCK } from '../src/iso-bytes.js';
import { ContinuationArea, placeSystemUse } from '../src/system-use.js';

// The Linux kernel follows at most 32 CE entries per record (fs/isofs/rock.c RR_MAX_CE_ENTRIES).
const MAX_HOPS = 31;
const BASE = 500;

/** A SUSP field of `length` bytes (4..255): signature, length, version, then filler. */
function field(length: number, tag: number): Buffer {
  const f = Buffer.alloc(length, tag & 0xff);
  f.write('ZZ', 0, 'latin1');
  f[2] = length;
  f[3] = 1;
  return f;
}

/** Splits System Use bytes into fields by their length bytes, as every reader does. */
function fieldsOf(su: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 4 <= su.length; i += su[i + 2]!) out.push(su.subarray(i, i + su[i + 2]!));
  return out;
}

interface Walk { fields: Buffer[]; hops: Array<{ block: number; offset: number; length: number }> }

/** Follows the CE chain of one record through the area's blocks, as the kernel does. */
function walk(inRecord: Buffer, blocks: Buffer[]): Walk {
  const fields: Buffer[] = [];
  const hops: Walk['hops'] = [];
  let current = fieldsOf(inRecord);
  for (;;) {
    const ce = current.find((f) => f.toString('latin1', 0, 2) === 'CE');
    fields.push(...current.filter((f) => f !== ce));
    if (!ce) return { fields, hops };
    expect(ce).toBe(current[current.length - 1]); // CE closes its area
    const hop = { block: ce.readUInt32LE(4), offset: ce.readUInt32LE(12), length: ce.readUInt32LE(20) };
    expect([ce.readUInt32BE(8), ce.readUInt32BE(16), ce.readUInt32BE(24)]).toEqual([hop.block, hop.offset, hop.length]);
    hops.push(hop);
    if (hops.length > MAX_HOPS + 1) throw new Error('CE chain does not end');
    current = fieldsOf(blocks[hop.block - BASE]!.subarray(hop.offset, hop.offset + hop.length));
  }
}

const recordArb = fc.record({
  sizes: fc.array(fc.integer({ min: 4, max: 255 }), { minLength: 1, maxLength: 320 }),
  budget: fc.integer({ min: systemUseBudget(37), max: systemUseBudget(1) }),
});

describe('placeSystemUse and ContinuationArea', () => {
  it('keep every field, in order; areas never cross a block, never overlap, at most 31 hops', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), (records) => {
      const sizing = new ContinuationArea(BASE, false);
      const area = new ContinuationArea(BASE, true);
      const placed: Array<{ fields: Buffer[]; su: Buffer; budget: number }> = [];
      records.forEach(({ sizes, budget }, r) => {
        const fields = sizes.map((n, i) => field(n, r * 1000 + i));
        const total = sizes.reduce((a, b) => a + b, 0);
        let su: Buffer;
        try {
          su = placeSystemUse(fields, budget, area, `record ${r}`);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as Error).message).toMatch(/more than 31 continuation areas/);
          // Every area but the last is filled to within one field of a block.
          expect(total).toBeGreaterThan(MAX_HOPS * (BLOCK - 28 - 255));
          return;
        }
        placeSystemUse(fields, budget, sizing, `record ${r}`);
        placed.push({ fields, su, budget });
      });
      // the sizing pass (no bytes kept) plans exactly the blocks the writing pass fills
      expect(sizing.blockCount).toBe(area.blockCount);
      const blocks = area.contents();
      expect(blocks).toHaveLength(area.blockCount);
      const areas: Array<[number, number]> = []; // [start, end) in bytes from the area's base
      for (const { fields, su, budget } of placed) {
        expect(su.length).toBeLessThanOrEqual(budget);
        const { fields: seen, hops } = walk(su, blocks);
        expect(Buffer.concat(seen).equals(Buffer.concat(fields))).toBe(true);
        expect(hops.length).toBeLessThanOrEqual(MAX_HOPS);
        for (const h of hops) {
          expect(h.block >= BASE && h.offset + h.length <= BLOCK).toBe(true);
          areas.push([(h.block - BASE) * BLOCK + h.offset, (h.block - BASE) * BLOCK + h.offset + h.length]);
        }
      }
      areas.sort((a, b) => a[0] - b[0]);
      expect(areas.filter((a, i) => i > 0 && a[0] < areas[i - 1]![1])).toEqual([]);
    }), { numRuns: 300 });
  });

  it('refuses a record that needs more than 31 areas, and accepts one that needs exactly 31', () => {
    // 255-byte fields: 7 fit an area next to its CE (7 x 255 + 28 = 1813), so 31 areas hold 217.
    const budget = systemUseBudget(1);
    const inRecord = Math.floor((budget - 28) / 255);
    const fits = Array.from({ length: inRecord + 31 * 7 }, (_, i) => field(255, i));
    const area = new ContinuationArea(BASE, true);
    const su = placeSystemUse(fits, budget, area, 'fits');
    expect(walk(su, area.contents()).hops).toHaveLength(31);
    expect(() => placeSystemUse([...fits, field(255, 0), field(255, 1)], budget, new ContinuationArea(BASE, true), 'too long'))
      .toThrow(new InputError('too long: Rock Ridge data needs more than 31 continuation areas (name or symlink target too long)'));
  });
});
