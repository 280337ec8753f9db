// The JIT host's wasm writer and what it reads of the machine (src/jit-wasm.ts, src/jit-layout.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bytes, I32, I64, Op, encodeModule } from '../src/jit-wasm.js';
import { OP_NAMES } from '../src/jit-layout.js';
import { pkgDir } from './helpers.js';

describe('jit-wasm', () => {
  it('writes LEB128 numbers as the wasm spec gives them', () => {
    expect([...new Bytes().u32(0).u32(127).u32(128).u32(624485).done()]).toEqual([0, 0x7f, 0x80, 1, 0xe5, 0x8e, 0x26]);
    expect([...new Bytes().s(-1).s(63).s(64).s(-64).s(-65).s(-123456).done()]).toEqual([0x7f, 0x3f, 0xc0, 0, 0x40, 0xbf, 0x7f, 0xc0, 0xbb, 0x78]);
    expect([...new Bytes().s(-(1n << 63n)).done()]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it('encodes a module V8 compiles and runs: functions of one type over an imported memory', () => {
    // f0(m, pc, budget) = m + budget + i32(memory[m])
    const body = new Bytes();
    body.byte(Op.localGet).u32(0).byte(Op.localGet).u32(2).byte(Op.i32Add).byte(Op.localGet).u32(0).byte(Op.i32Load).u32(2).u32(0).byte(Op.i32Add);
    const bytes = encodeModule([I32, I64, I32], [I32], [{ locals: [[1, I64]], body }]);
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint32Array(memory.buffer)[2] = 1000;
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { memory } });
    expect((exports['f0'] as (m: number, pc: bigint, b: number) => number)(8, 0n, 5)).toBe(1013);
  });

  it('numbers the decoded operations as native/riscv64/decode.h does', () => {
    const h = readFileSync(join(pkgDir, 'native', 'riscv64', 'decode.h'), 'utf8');
    const body = /enum \{([\s\S]*?)\};/.exec(h)![1]!.replace(/\/\*[\s\S]*?\*\//g, '');
    const names = body.split(',').map((n) => n.replace(/=.*$/, '').trim()).filter((n) => n && n !== 'OP_COUNT').map((n) => n.replace(/^OP_/, ''));
    expect(names).toEqual([...OP_NAMES]);
  });
});
