import binaryen from 'binaryen';
import { SERVED } from '../../src/shim/signatures.js';

/**
 * A tiny module built with binaryen: a memory and the given wasi_snapshot_preview1 imports (with
 * their preview1 signatures, or (i32, i32) -> i32), each called with zeros from an exported `_start`.
 */
export function moduleImporting(names: readonly string[], options: { memory?: boolean } = {}): Uint8Array {
  const m = new binaryen.Module();
  try {
    if (options.memory ?? true) m.setMemory(1, 1);
    const params = (n: string) => SERVED[n] ?? [binaryen.i32, binaryen.i32];
    for (const n of names) m.addFunctionImport(n, 'wasi_snapshot_preview1', n, binaryen.createType([...params(n)]), binaryen.i32);
    const zero = (t: binaryen.Type) => (t === binaryen.i64 ? m.i64.const(0 as never) : m.i32.const(0));
    const calls = names.map((n) => m.drop(m.call(n, params(n).map(zero), binaryen.i32)));
    m.addFunction('_start', binaryen.none, binaryen.none, [], m.block(null, calls.length ? calls : [m.nop()]));
    m.addFunctionExport('_start', '_start');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}
