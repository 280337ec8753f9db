import { readDataSegments, readSections, SECTION_DATA } from '../src/wasm-sections.js';

// (module (memory 1) (data (i32.const 16) "ab") (data "xyz")) written by hand.
const module = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1
  0x0c, 0x01, 0x02, // data count 2
  0x0b, 0x0e, 0x02, 0x00, 0x41, 0x10, 0x0b, 0x02, 0x61, 0x62, 0x01, 0x03, 0x78, 0x79, 0x7a, 0x00, // data section, one byte too long (0x00 is padding)
]);

describe('wasm sections', () => {
  const fixed = Buffer.from(module);
  fixed[17] = 0x0d; // the data section's true payload size
  const bytes = fixed.subarray(0, fixed.length - 1);

  it('lists sections and the data segments with their flags and ranges', () => {
    const sections = readSections(bytes);
    expect(sections.map((s) => s.id)).toEqual([5, 12, SECTION_DATA]);
    const data = sections[2]!;
    const { segments } = readDataSegments(bytes, data);
    expect(segments.map((s) => [s.passive, s.dataLength])).toEqual([[false, 2], [true, 3]]);
    expect(bytes.subarray(segments[1]!.end - 3, segments[1]!.end).toString()).toBe('xyz');
    expect(segments[1]!.end).toBe(data.end);
  });

  it('refuses what is not a wasm 1.0 binary or is truncated', () => {
    expect(() => readSections(Buffer.from('hello world'))).toThrow(/not a WebAssembly 1.0 binary/);
    expect(() => readSections(bytes.subarray(0, bytes.length - 2))).toThrow(/runs past the end/);
    // `module` as written claims one byte more than its segments take
    expect(() => readDataSegments(module, readSections(module).at(-1)!)).toThrow(/does not match its segments/);
  });
});
