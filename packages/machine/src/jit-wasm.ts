// A minimal wasm binary writer for the JIT tier (docs/decisions/0040): LEB128 numbers, the few
// opcodes translations use, and one module layout (imported memory, functions of one type, each
// exported). Hand-written so the host needs no code generator dependency.

/** Opcodes (WebAssembly core spec 5.4) the translator emits. */
export const Op = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, return: 0x0f,
  drop: 0x1a, localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, i64Load8S: 0x30, i64Load8U: 0x31, i64Load16S: 0x32, i64Load16U: 0x33,
  i64Load32S: 0x34, i64Load32U: 0x35, i64Store: 0x37, i64Store8: 0x3c, i64Store16: 0x3d, i64Store32: 0x3e, i32Store: 0x36,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32GeU: 0x4f,
  i64Eqz: 0x50, i64Eq: 0x51, i64Ne: 0x52, i64LtS: 0x53, i64LtU: 0x54, i64GeS: 0x59, i64GeU: 0x5a,
  i32Add: 0x6a, i32Mul: 0x6c, i32DivS: 0x6d, i32DivU: 0x6e, i32RemS: 0x6f, i32RemU: 0x70, i32And: 0x71, i32Or: 0x72,
  i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76, i32Sub: 0x6b,
  i64Add: 0x7c, i64Sub: 0x7d, i64Mul: 0x7e, i64DivS: 0x7f, i64DivU: 0x80, i64RemS: 0x81, i64RemU: 0x82,
  i64And: 0x83, i64Or: 0x84, i64Xor: 0x85, i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88,
  i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
} as const;
export const I32 = 0x7f;
export const I64 = 0x7e;
export const VOID = 0x40;

/** A growing byte buffer with the wasm encodings. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.length++] = b;
    return this;
  }

  u32(v: number): this {
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v) b |= 0x80;
      this.byte(b);
    } while (v);
    return this;
  }

  /** Signed LEB128 of a bigint (i64.const) or number (i32.const). */
  s(v: bigint | number): this {
    let x = BigInt(v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && !(b & 0x40)) || (x === -1n && b & 0x40)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  bytes(b: Uint8Array): this {
    for (const x of b) this.byte(x);
    return this;
  }

  /** A vector or section body: its length first. */
  sized(b: Bytes): this {
    return this.u32(b.length).bytes(b.done());
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A function: its locals after the parameters, as (count, type) runs, and its body bytes. */
export interface FuncCode {
  locals: [number, number][];
  body: Bytes;
}

/**
 * A module importing memory "m"."memory" with functions of one type (params -> results), exported
 * as "f0", "f1", ...
 */
export function encodeModule(params: number[], results: number[], funcs: FuncCode[]): Uint8Array {
  const out = new Bytes().bytes(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
  const section = (id: number, body: Bytes): void => { out.byte(id).sized(body); };
  const name = (b: Bytes, s: string): Bytes => b.u32(s.length).bytes(new TextEncoder().encode(s));
  const type = new Bytes().u32(1).byte(0x60).u32(params.length).bytes(Uint8Array.from(params)).u32(results.length).bytes(Uint8Array.from(results));
  section(1, type);
  const imp = new Bytes().u32(1);
  name(name(imp, 'm'), 'memory').byte(2).byte(0).u32(0);
  section(2, imp);
  const fn = new Bytes().u32(funcs.length);
  funcs.forEach(() => fn.u32(0));
  section(3, fn);
  const exp = new Bytes().u32(funcs.length);
  funcs.forEach((_, i) => name(exp, `f${i}`).byte(0).u32(i));
  section(7, exp);
  const code = new Bytes().u32(funcs.length);
  for (const f of funcs) {
    const body = new Bytes().u32(f.locals.length);
    for (const [n, t] of f.locals) body.u32(n).byte(t);
    body.bytes(f.body.done()).byte(Op.end);
    code.sized(body);
  }
  section(10, code);
  return out.done().slice();
}
