import binaryen from 'binaryen';
import { dispatch } from '../../src/shim/dispatch.js';

describe('dispatch', () => {
  it.each([1, 2, 7, 64])('selects the leaf of each index among %d', async (count) => {
    const m = new binaryen.Module();
    m.addFunction('pick', binaryen.createType([binaryen.i32]), binaryen.i32, [], dispatch(m, () => m.local.get(0, binaryen.i32), count, (i) => m.i32.const(i * 10 + 3)));
    m.addFunctionExport('pick', 'pick');
    const bytes = m.emitBinary();
    m.dispose();
    const { instance } = await WebAssembly.instantiate(bytes);
    const pick = instance.exports['pick'] as (i: number) => number;
    for (let i = 0; i < count; i++) expect(pick(i)).toBe(i * 10 + 3);
  });
});
