import { N } from '../../src/shim/names.js';
import { shimHarness } from '../support/shim-harness.js';

const view = (m: Uint8Array) => new DataView(m.buffer);

describe('readv and writeStat', () => {
  it('fills iovecs in order, stopping at a short one, and reports the count', async () => {
    const h = await shimHarness({ empty: '', text: 'hello world' });
    const v = view(h.memory);
    [[200, 5], [300, 100], [400, 7]].forEach(([buf, len], i) => { v.setUint32(8 * i, buf!, true); v.setUint32(8 * i + 4, len!, true); });
    expect(h.call(N.readv, 1, 0, 3, 0n, 500)).toBe(0);
    expect(v.getUint32(500, true)).toBe(11);
    expect(Buffer.from(h.memory.subarray(200, 205)).toString()).toBe('hello');
    expect(Buffer.from(h.memory.subarray(300, 306)).toString()).toBe(' world');
    expect(h.memory[400]).toBe(0); // not reached: the second iovec was short
    expect(h.call(N.readv, 1, 0, 1, 6n, 500)).toBe(0);
    expect(v.getUint32(500, true)).toBe(5);
    expect(Buffer.from(h.memory.subarray(200, 205)).toString()).toBe('world');
  });

  it('reads nothing at or past the end and from an empty file', async () => {
    const h = await shimHarness({ empty: '', text: 'hello world' });
    const v = view(h.memory);
    v.setUint32(0, 200, true);
    v.setUint32(4, 10, true);
    for (const [file, offset] of [[1, 11n], [1, 1n << 40n], [0, 0n]] as const) {
      v.setUint32(500, 99, true);
      expect(h.call(N.readv, file, 0, 1, offset, 500)).toBe(0);
      expect(v.getUint32(500, true)).toBe(0);
    }
  });

  it('answers EFAULT for a buffer that runs past linear memory, before copying', async () => {
    const h = await shimHarness({ text: 'hello world' });
    const v = view(h.memory);
    v.setUint32(0, 65536 - 4, true);
    v.setUint32(4, 10, true);
    expect(h.call(N.readv, 0, 0, 1, 0n, 500)).toBe(21);
    expect(h.memory[65535]).toBe(0);
  });

  it('writes a filestat: dev, ino, type, one link, size, zero times', async () => {
    const h = await shimHarness({ text: 'x' });
    h.memory.fill(0xff, 0, 64);
    h.call(N.writeStat, 0, 7n, 4, 12345n);
    const v = view(h.memory);
    expect([v.getBigUint64(0, true), v.getBigUint64(8, true), v.getUint8(16), v.getBigUint64(24, true), v.getBigUint64(32, true)]).toEqual([0x63327776n, 7n, 4, 1n, 12345n]);
    expect([...h.memory.subarray(40, 64)].every((b) => b === 0)).toBe(true);
    expect(h.memory[17]).toBe(0);
  });
});
