import binaryen from 'binaryen';
import { layoutFiles } from '../../src/layout.js';
import { addFileIo } from '../../src/shim/file-io.js';
import { addLookup } from '../../src/shim/lookup.js';
import { N } from '../../src/shim/names.js';
import { addPassiveSegment } from '../../src/shim/passive-segment.js';
import { addFileTable, addState } from '../../src/shim/state.js';

export interface Harness {
  memory: Uint8Array;
  call: (name: string, ...args: (number | bigint)[]) => number | bigint;
}

/**
 * The shim's internals in a module of their own, over one page of exported memory, with each
 * (small) file in its own real passive segment: the helpers can then be called directly.
 */
export async function shimHarness(files: Record<string, string>): Promise<Harness> {
  const entries = Object.entries(files);
  const { files: laid, chunkSizes } = layoutFiles(entries.map(([name, body]) => ({ name, path: name, size: Buffer.byteLength(body) })));
  const m = new binaryen.Module();
  try {
    m.setMemory(1, 1, 'memory');
    m.setFeatures(binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.MutableGlobals);
    entries.forEach(([, body], c) => addPassiveSegment(m, N.segment(c), Buffer.from(body)));
    addState(m);
    addFileTable(m, laid, chunkSizes.length);
    addLookup(m, laid);
    addFileIo(m);
    for (const name of [N.lookup, N.readv, N.writeStat, N.getFile, N.getPos, N.setSlot, N.slotOf, N.fileSize]) m.addFunctionExport(name, name);
    if (!m.validate()) throw new Error('harness does not validate');
    const { instance } = await WebAssembly.instantiate(m.emitBinary());
    const memory = new Uint8Array((instance.exports['memory'] as WebAssembly.Memory).buffer);
    return { memory, call: (name, ...args) => (instance.exports[name] as (...a: (number | bigint)[]) => number | bigint)(...args) };
  } finally {
    m.dispose();
  }
}
