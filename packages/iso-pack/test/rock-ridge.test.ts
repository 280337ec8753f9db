import fc from 'fast-check';
import { nm, pn, px, sl, tf } from '../src/rock-ridge.js';

/** libarchive's SL decoding (parse_rockridge_SL1), including its separator quirk. */
function libarchiveSl(fields: Buffer[]): string {
  let out = '';
  for (const f of fields) {
    let sep = '';
    for (let i = 5; i + 2 <= f[2]!;) {
      const flags = f[i]!; const len = f[i + 1]!;
      out += sep; sep = '/';
      if (flags === 0 || flags === 1) out += f.subarray(i + 2, i + 2 + len).toString('latin1');
      if (flags === 1) sep = '';
      if (flags === 2) out += '.';
      if (flags === 4) out += '..';
      if (flags === 8) { out += '/'; sep = ''; }
      i += 2 + len;
    }
  }
  return out;
}

/** The Linux kernel's decoding (fs/isofs/rock.c get_symlink_chunk). */
function kernelSl(fields: Buffer[]): string {
  let out = '';
  for (const f of fields) {
    let slen = f[2]! - 5; let i = 5;
    while (slen > 1) {
      const flags = f[i]!; const len = f[i + 1]!; let root = false;
      if ((flags & ~1) === 0) out += f.subarray(i + 2, i + 2 + len).toString('latin1');
      if ((flags & ~1) === 2) out += '.';
      if ((flags & ~1) === 4) out += '..';
      if ((flags & ~1) === 8) { out += '/'; root = true; }
      slen -= len + 2; i += len + 2;
      if (slen < 2) { if (!root && (f[4]! & 1) && !(flags & 1)) out += '/'; break; }
      if (!root && !(flags & 1)) out += '/';
    }
  }
  return out;
}

describe('SL', () => {
  it('round-trips any target through both decoders, in fields of at most 255 bytes', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-c./]{1,1500}$/), (target) => {
      const fields = sl(target);
      for (const f of fields) expect(f.length).toBeLessThanOrEqual(255);
      expect(libarchiveSl(fields)).toBe(target);
      expect(kernelSl(fields)).toBe(target);
    }), { numRuns: 300 });
  });
  it('keeps . and .. as the special components', () => {
    expect([...sl('../.')[0]!.subarray(5)]).toEqual([4, 0, 2, 0]);
  });
});

describe('other fields', () => {
  it('NM splits long names with CONTINUE', () => {
    const parts = nm(Buffer.alloc(255, 0x61));
    expect(parts.map((p) => [p.length, p[4]])).toEqual([[255, 1], [10, 0]]);
  });
  it('PN uses the old-style low word for small numbers, as the kernel decodes it', () => {
    const small = pn(8, 1);
    expect(small.readUInt32LE(4)).toBe(0);
    expect(small.readUInt32LE(12)).toBe((8 << 8) | 1);
    const big = pn(259, 70000);
    expect([big.readUInt32LE(4), big.readUInt32LE(12)]).toEqual([259, 70000]);
  });
  it('PN: the kernel reads back every major it has with any minor; glibc readers every minor below 256', () => {
    /** fs/isofs/rock.c: `if ((low & ~0xff) && high == 0) MKDEV(low >> 8, low & 0xff) else MKDEV(high, low)`. */
    const kernel = (f: Buffer): [number, number] => {
      const high = f.readUInt32LE(4); const low = f.readUInt32LE(12);
      return (low & ~0xff) !== 0 && high === 0 ? [low >>> 8, low & 0xff] : [high, low];
    };
    /** libarchive and libisofs: dev_t = high << 32 | low, then glibc major() and minor(). */
    const glibc = (f: Buffer): [number, number] => {
      const dev = (BigInt(f.readUInt32LE(4)) << 32n) | BigInt(f.readUInt32LE(12));
      const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
      const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
      return [Number(major), Number(minor)];
    };
    fc.assert(fc.property(fc.integer({ min: 1, max: 4095 }), fc.integer({ min: 0, max: (1 << 20) - 1 }), (major, minor) => {
      expect(kernel(pn(major, minor))).toEqual([major, minor]);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 255 }), (major, minor) => {
      expect(kernel(pn(major, minor))).toEqual([major, minor]);
      expect(glibc(pn(major, minor))).toEqual([major, minor]);
    }), { numRuns: 2000 });
  });
  it('PX carries the serial number and TF uses the 7-byte short form', () => {
    expect(px(0o104755, 1, 2, 3, 42).length).toBe(44);
    const t = tf(0);
    expect([t.length, t[4], t[5]]).toEqual([26, 0x0e, 70]);
  });
});
