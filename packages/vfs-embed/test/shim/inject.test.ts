import binaryen from 'binaryen';
import { layoutFiles } from '../../src/layout.js';
import { injectShim } from '../../src/shim/inject.js';
import { moduleImporting } from '../support/modules.js';

const OPENS = ['fd_prestat_get', 'fd_prestat_dir_name', 'path_open', 'fd_read'];

function inject(bytes: Uint8Array, files = layoutFiles([{ name: 'a', path: 'a', size: 1 }])): binaryen.Module {
  const m = binaryen.readBinary(bytes);
  injectShim(m, files.files, files.chunkSizes.length, Buffer.from('/embed'), 'in.wasm');
  return m;
}

describe('injectShim', () => {
  it('keeps each real import under vfs$real$ and adds one passive segment per chunk', () => {
    const m = inject(moduleImporting([...OPENS, 'fd_write', 'args_get']));
    try {
      const imports: string[] = [];
      for (let i = 0; i < m.getNumFunctions(); i++) {
        const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
        if (info.module) imports.push(`${info.base}:${info.name.startsWith('vfs$real$') ? 'real' : 'kept'}`);
      }
      expect(imports.sort()).toEqual(['args_get:kept', ...[...OPENS, 'fd_write'].map((n) => `${n}:real`)].sort());
      expect(m.getNumDataSegments()).toBe(1);
      const bytes = m.emitBinary();
      expect(WebAssembly.validate(bytes)).toBe(true);
    } finally {
      m.dispose();
    }
  });

  it('refuses a module that cannot open files, has no memory or a foreign signature', () => {
    expect(() => inject(moduleImporting(['fd_write']))).toThrow(/does not import wasi_snapshot_preview1 fd_prestat_get, fd_prestat_dir_name, path_open, fd_read/);
    expect(() => inject(moduleImporting(OPENS, { memory: false }))).toThrow(/has no linear memory/);
    const odd = new binaryen.Module();
    odd.setMemory(1, 1);
    for (const n of OPENS) odd.addFunctionImport(n, 'wasi_snapshot_preview1', n, binaryen.createType([binaryen.i32]), binaryen.i32);
    const bytes = odd.emitBinary();
    odd.dispose();
    expect(() => inject(bytes)).toThrow(/imports wasi_snapshot_preview1 fd_prestat_get with an unexpected signature/);
  });
});
