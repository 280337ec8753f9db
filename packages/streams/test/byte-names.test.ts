import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { compareBytes, decodeName, encodeName, escapedByte, hasEscapedBytes, nameByteLength, writeName } from '../src/index.js';

const anyBytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
// Mostly UTF-8 with a few stray bytes: the names real systems hold
const mixedBytes = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => Buffer.from(s)), fc.integer({ min: 0x80, max: 0xff }).map((b) => Buffer.from([b]))), { maxLength: 12 })
  .map((parts) => Buffer.concat(parts));

describe('byte names (surrogateescape)', () => {
  it('decodes every byte string losslessly and encodes it back', () => {
    fc.assert(fc.property(fc.oneof(anyBytes, mixedBytes), (bytes) => {
      const name = decodeName(bytes);
      expect(encodeName(name).equals(bytes)).toBe(true);
      expect(nameByteLength(name)).toBe(bytes.length);
      expect(decodeName(encodeName(name))).toBe(name);
      const out = Buffer.alloc(bytes.length + 4, 0xaa);
      expect(writeName(out, name, 2)).toBe(bytes.length);
      expect(out.subarray(2, 2 + bytes.length).equals(bytes)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('decodes valid UTF-8 as Node does, and only invalid bytes become U+DC80..U+DCFF', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
      const bytes = Buffer.from(text);
      expect(decodeName(bytes)).toBe(text);
      expect(hasEscapedBytes(text)).toBe(false);
    }));
    fc.assert(fc.property(fc.oneof(anyBytes, mixedBytes), (bytes) => {
      const name = decodeName(bytes);
      const valid = Buffer.from(bytes.toString('utf8')).equals(bytes);
      expect(hasEscapedBytes(name)).toBe(!valid);
      expect(name.includes('\ufffd')).toBe(bytes.includes(Buffer.from('\ufffd')));
      expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
    }));
  });

  it('escapes as Python 3 does (os.fsdecode with surrogateescape)', () => {
    const samples = [Buffer.from('f\xff', 'latin1'), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('caf\u00e9 \u20ac \u{1f600}'), Buffer.from([0xe2, 0x82, 0x41, 0xff, 0xf0, 0x9f, 0x98])];
    const script = 'import sys,json\nfor h in sys.argv[1:]: print(json.dumps([ord(c) for c in bytes.fromhex(h).decode("utf-8","surrogateescape")]))';
    const lines = execFileSync('python3', ['-c', script, ...samples.map((s) => s.toString('hex'))]).toString().trim().split('\n');
    samples.forEach((bytes, i) => {
      expect([...decodeName(bytes)].map((c) => c.codePointAt(0))).toEqual(JSON.parse(lines[i]!));
    });
  });

  it('compareBytes orders names as their bytes', () => {
    fc.assert(fc.property(fc.oneof(anyBytes, mixedBytes), fc.oneof(anyBytes, mixedBytes), (a, b) => {
      expect(Math.sign(compareBytes(decodeName(a), decodeName(b)))).toBe(Math.sign(Buffer.compare(a, b)));
    }), { numRuns: 2000 });
  });

  it('escapedByte finds an escaped byte only where it stands alone', () => {
    const name = decodeName(Buffer.from([0x61, 0xff, 0xf0, 0x90, 0x80, 0x80]));
    expect([0, 1, 2, 3].map((i) => escapedByte(name, i))).toEqual([-1, 0xff, -1, -1]);
  });
});
