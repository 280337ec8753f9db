// Direct calls between the functions of a wasm module, by name (the "name" section): enough of a
// wasm reader to tell whether a function is its own function with callers, or was inlined away.
// Covers what clang-16 emits for wasm32 (MVP, sign-ext, bulk memory); anything else throws.

export interface CallGraph {
  /** Function names by index (imports first), from the name section. */
  names: Map<number, string>;
  /** For each defined function's index, the indices it calls directly (`call`). */
  calls: Map<number, number[]>;
}

class Reader {
  constructor(readonly bytes: Uint8Array, public pos = 0, readonly end = bytes.length) {}
  byte(): number {
    if (this.pos >= this.end) throw new Error(`wasm: unexpected end at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      if (shift > 28) throw new Error(`wasm: LEB128 too long at byte ${this.pos}`);
    }
  }
  /** Skips a signed LEB128 (the value is not needed). */
  sleb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    this.pos += n;
  }
  name(): string {
    const n = this.u32();
    const s = Buffer.from(this.bytes.subarray(this.pos, this.pos + n)).toString('utf8');
    this.pos += n;
    return s;
  }
}

/** Opcodes with one u32 immediate: br, br_if, call, local.*, global.*, table.get/set, ref.func. */
const ONE_U32 = new Set([0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2]);

/** unreachable, nop, else, end, return, drop, select, the numeric operators, ref.is_null. */
const NO_IMMEDIATE = (op: number): boolean =>
  [0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b, 0xd1].includes(op) || (op >= 0x45 && op <= 0xc4);

/** Walks one function body's instructions, returning the callee of every `call`. */
function callsIn(r: Reader): number[] {
  const calls: number[] = [];
  for (let groups = r.u32(); groups > 0; groups--) {
    r.u32();
    r.byte(); // locals: count, type
  }
  while (r.pos < r.end) {
    const op = r.byte();
    if (op === 0x10) calls.push(r.u32());
    else if (ONE_U32.has(op)) r.u32();
    else if (op === 0x02 || op === 0x03 || op === 0x04) r.sleb(); // block type: 0x40, a value type or a type index
    else if (op === 0x0e) {
      for (let n = r.u32() + 1; n > 0; n--) r.u32(); // br_table: targets and default
    } else if (op === 0x11) { r.u32(); r.u32(); } // call_indirect: type, table
    else if (op >= 0x28 && op <= 0x3e) { r.u32(); r.u32(); } // loads and stores: align, offset
    else if (op === 0x3f || op === 0x40) r.byte(); // memory.size/grow: memory 0
    else if (op === 0x41 || op === 0x42) r.sleb(); // i32.const, i64.const
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0x1c) { for (let n = r.u32(); n > 0; n--) r.byte(); } // typed select
    else if (op === 0xd0) r.byte(); // ref.null type
    else if (op === 0xfc) {
      const sub = r.u32();
      if (sub <= 7) continue; // saturating float-to-int
      if (sub === 8) { r.u32(); r.byte(); } // memory.init
      else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
      else if (sub === 10) { r.byte(); r.byte(); } // memory.copy
      else if (sub === 11) r.byte(); // memory.fill
      else if (sub === 12 || sub === 14) { r.u32(); r.u32(); }
      else throw new Error(`wasm: unknown instruction 0xfc ${sub} at byte ${r.pos}`);
    } else if (!NO_IMMEDIATE(op)) throw new Error(`wasm: unknown opcode 0x${op.toString(16)} at byte ${r.pos - 1}`);
  }
  if (r.bytes[r.end - 1] !== 0x0b) throw new Error('wasm: a function body does not end with `end`');
  return calls;
}

/** Reads the call graph of a wasm module (which must keep its name section). */
export function callGraph(wasm: Uint8Array): CallGraph {
  const r = new Reader(wasm, 8);
  let imported = 0;
  const names = new Map<number, string>();
  const calls = new Map<number, number[]>();
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name(); r.name();
        const kind = r.byte();
        if (kind === 0) { r.u32(); imported++; }
        else if (kind === 1) { r.byte(); const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); } // table
        else if (kind === 2) { const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); } // memory
        else if (kind === 3) { r.byte(); r.byte(); } // global
        else throw new Error(`wasm: unknown import kind ${kind}`);
      }
    } else if (id === 10) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const bodySize = r.u32();
        calls.set(imported + i, callsIn(new Reader(wasm, r.pos, r.pos + bodySize)));
        r.skip(bodySize);
      }
    } else if (id === 0 && r.name() === 'name') {
      while (r.pos < end) {
        const sub = r.byte();
        const subEnd = r.u32() + r.pos;
        if (sub === 1) for (let n = r.u32(); n > 0; n--) names.set(r.u32(), r.name());
        r.pos = subEnd;
      }
    }
    r.pos = end;
  }
  if (names.size === 0) throw new Error('wasm: no function names (the name section was stripped)');
  return { names, calls };
}

/** Names of the functions that call `callee` directly. */
export function callersOf(graph: CallGraph, callee: string): string[] {
  const index = [...graph.names].find(([, n]) => n === callee)?.[0];
  if (index === undefined) return [];
  return [...graph.calls].filter(([, to]) => to.includes(index)).map(([from]) => graph.names.get(from) ?? `#${from}`);
}
