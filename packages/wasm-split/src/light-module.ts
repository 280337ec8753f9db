import type { FileHandle } from 'node:fs/promises';
import { encodeU32 } from '@c2w/streams';
import { SECTION_DATA, type ModuleLayout } from './module-layout.js';

/**
 * The input with every moved segment's bytes left out (an empty passive segment in its place, so
 * indices stay): the code part binaryen reads. Only active segments' bytes are kept (the program's
 * own data, copied at instantiation anyway). `moved` are segment indices.
 */
export async function readLightModule(input: FileHandle, layout: ModuleLayout, moved: ReadonlySet<number>): Promise<Buffer> {
  const read = async (start: number, end: number) => {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await input.read(buffer, 0, buffer.length, start);
    if (bytesRead !== buffer.length) throw new RangeError(`input ended at byte ${start + bytesRead}`);
    return buffer;
  };
  const parts: Buffer[] = [await read(0, 8)];
  for (const section of layout.sections) {
    if (section.id !== SECTION_DATA) {
      parts.push(await read(section.start, section.end));
      continue;
    }
    const entries: Buffer[] = [encodeU32(layout.segments.length)];
    for (const s of layout.segments) {
      entries.push(moved.has(s.index) ? Buffer.from([0x01, 0x00]) : await read(s.start, s.dataStart + s.dataLength));
    }
    const payload = Buffer.concat(entries);
    parts.push(Buffer.from([SECTION_DATA]), encodeU32(payload.length), payload);
  }
  return Buffer.concat(parts);
}
