import { chunkSegmentsBytes, writeFileSegments } from '../src/data-writer.js';
import { layoutFiles } from '../src/layout.js';

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('writeFileSegments', () => {
  const collect = () => {
    const out: Buffer[] = [];
    return { out, sink: { write: async (b: Uint8Array) => { out.push(Buffer.from(b)); } } };
  };
  it('writes one passive segment header and the bytes as they come', async () => {
    const { out, sink } = collect();
    const { files, chunkSizes } = layoutFiles([{ name: 'a', path: 'a', size: 5 }]);
    await writeFileSegments(sink, files[0]!, () => pieces('ab', 'c', 'de'));
    expect(Buffer.concat(out).toString('hex')).toBe(`0105${Buffer.from('abcde').toString('hex')}`);
    expect(chunkSegmentsBytes(chunkSizes)).toBe(Buffer.concat(out).length);
  });
  it('writes an empty segment for an empty file', async () => {
    const { out, sink } = collect();
    await writeFileSegments(sink, layoutFiles([{ name: 'e', path: 'e', size: 0 }]).files[0]!, () => pieces());
    expect(Buffer.concat(out).toString('hex')).toBe('0100');
  });
  it('refuses a file that grew or shrank since it was measured', async () => {
    const file = layoutFiles([{ name: 'a', path: '/in/a', size: 3 }]).files[0]!;
    await expect(writeFileSegments(collect().sink, file, () => pieces('abcd'))).rejects.toThrow(/\/in\/a grew while it was embedded/);
    await expect(writeFileSegments(collect().sink, file, () => pieces('ab'))).rejects.toThrow(/shrank while it was embedded: expected 3 bytes, read 2/);
  });
});
