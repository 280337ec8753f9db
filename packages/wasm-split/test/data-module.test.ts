import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataModuleSize, SizeTracker, writeDataModule } from '../src/data-module.js';
import { readModuleLayout } from '../src/module-layout.js';
import { tempDir } from './support/fixtures.js';

describe('data modules', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('SizeTracker gives the exact size of the module, segment by segment, across LEB128 widths', () => {
    const lengths: number[] = [];
    const tracker = new SizeTracker();
    for (let i = 0; i < 300; i++) {
      const length = [0, 1, 127, 128, 16_383, 16_384, 70_000][i % 7]!;
      expect(tracker.sizeWith(length)).toBe(dataModuleSize([...lengths, length]));
      tracker.add(length);
      lengths.push(length);
    }
  });

  it('writes a module that imports a memory and whose init(seg, dst, src, len) copies from its segments', async () => {
    // The "input": a raw file whose ranges stand for segments (the writer only reads at offsets).
    const source = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 7 + (i >> 11)) & 0xff));
    const path = join(dir, 'source.bin');
    await writeFile(path, source);
    const segments = [
      { index: 5, passive: true, start: 0, dataStart: 0, dataLength: 2 * 1024 * 1024 + 3 }, // larger than the copy buffer
      { index: 6, passive: true, start: 0, dataStart: 2 * 1024 * 1024 + 3, dataLength: 0 },
      { index: 7, passive: true, start: 0, dataStart: 2 * 1024 * 1024 + 3, dataLength: 1024 * 1024 + 14 },
    ];
    const input = await open(path, 'r');
    const out = await open(join(dir, 'side.wasm'), 'w+');
    const written = await writeDataModule(input, segments, out);
    await input.close();
    await out.close();
    expect(written.size).toBe(dataModuleSize(segments.map((s) => s.dataLength)));

    const bytes = await import('node:fs/promises').then((f) => f.readFile(join(dir, 'side.wasm')));
    const memory = new WebAssembly.Memory({ initial: 64 });
    const { instance } = await WebAssembly.instantiate(bytes, { c2w_split: { memory } });
    const init = instance.exports['init'] as (seg: number, dst: number, src: number, len: number) => void;
    const view = new Uint8Array(memory.buffer);
    init(0, 100, 2 * 1024 * 1024 - 5, 8);
    expect(Buffer.from(view.subarray(100, 108))).toEqual(source.subarray(2 * 1024 * 1024 - 5, 2 * 1024 * 1024 + 3));
    init(2, 1000, 1024 * 1024, 14);
    expect(Buffer.from(view.subarray(1000, 1014))).toEqual(source.subarray(3 * 1024 * 1024 + 3, 3 * 1024 * 1024 + 17));
    init(1, 0, 0, 0);
    expect(() => init(1, 0, 0, 1)).toThrow(WebAssembly.RuntimeError); // past the end of an empty segment
    expect(() => init(3, 0, 0, 0)).toThrow(WebAssembly.RuntimeError); // no such segment: unreachable

    // and it reads back with the module reader: three passive segments at the right offsets
    const handle = await open(join(dir, 'side.wasm'), 'r');
    const layout = await readModuleLayout(handle, 'side.wasm');
    await handle.close();
    expect(layout.segments.map((s) => ({ passive: s.passive, length: s.dataLength }))).toEqual(segments.map((s) => ({ passive: true, length: s.dataLength })));
    expect(bytes.subarray(layout.segments[2]!.dataStart, layout.segments[2]!.dataStart + 10)).toEqual(source.subarray(2 * 1024 * 1024 + 3, 2 * 1024 * 1024 + 13));
  });
});
