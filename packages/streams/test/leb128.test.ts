import { decodeU32, encodeU32 } from '../src/leb128.js';

describe('LEB128 u32', () => {
  it.each([[0, '00'], [127, '7f'], [128, '8001'], [624485, 'e58e26'], [0xffffffff, 'ffffffff0f']])('encodes %d as %s and back', (n, hex) => {
    expect(encodeU32(n).toString('hex')).toBe(hex);
    expect(decodeU32(Buffer.from(`aa${hex}`, 'hex'), 1)).toEqual({ value: n, next: 1 + hex.length / 2 });
  });
  it('refuses values a u32 cannot hold, and truncated or overlong encodings', () => {
    expect(() => encodeU32(2 ** 32)).toThrow(/out of range/);
    expect(() => encodeU32(-1)).toThrow(/out of range/);
    expect(() => decodeU32(Buffer.from('80', 'hex'), 0)).toThrow(/truncated/);
    expect(() => decodeU32(Buffer.from('808080808000', 'hex'), 0)).toThrow(/longer than 5 bytes/);
  });
});
