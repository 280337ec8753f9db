// Translates one guest block (decoded RV64 instructions from the machine's decode cache) into a
// wasm function (docs/decisions/0040). The block is a trace from its entry through straight-line
// integer code and not-taken conditional branches, ending at a jump, an instruction it does not
// translate, or MAX_INSNS; a branch or jump back to the entry loops inside the function.
// Registers live in wasm locals for the whole call; every exit stores the written ones back with
// the next pc, so the interpreter resumes with precise state (an exit before an instruction means
// that instruction has not run). Loads and stores take the machine's TLB fast path inline and exit
// on a miss, leaving misses, MMIO, misalignment, faults and stores to code pages to the interpreter.
import { Bytes, I32, I64, Op, VOID, type FuncCode } from './jit-wasm.js';
import { OP, OP_C, firstOp, type JitLayout } from './jit-layout.js';

export interface Insn {
  op: number;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

/** Instructions per trace: enough for hot loops, small enough to compile fast. */
const MAX_INSNS = 128;
/** Locals: the parameters m (i32), pc (i64), budget (i32), then these. */
const L_N = 3, L_E = 4, L_TR = 5, L_TW = 6, L_VA = 7;
const xl = (r: number): number => 7 + r; // x1..x31
const SINK = 32;

const ALU_RR: Partial<Record<number, number>> = {
  [OP.ADD]: Op.i64Add, [OP.SUB]: Op.i64Sub, [OP.SLL]: Op.i64Shl, [OP.XOR]: Op.i64Xor, [OP.SRL]: Op.i64ShrU,
  [OP.SRA]: Op.i64ShrS, [OP.OR]: Op.i64Or, [OP.AND]: Op.i64And, [OP.MUL]: Op.i64Mul,
};
const ALU_RI: Partial<Record<number, number>> = {
  [OP.ADDI]: Op.i64Add, [OP.XORI]: Op.i64Xor, [OP.ORI]: Op.i64Or, [OP.ANDI]: Op.i64And,
  [OP.SLLI]: Op.i64Shl, [OP.SRLI]: Op.i64ShrU, [OP.SRAI]: Op.i64ShrS,
};
const ALU_W_RR: Partial<Record<number, number>> = {
  [OP.ADDW]: Op.i32Add, [OP.SUBW]: Op.i32Sub, [OP.SLLW]: Op.i32Shl, [OP.SRLW]: Op.i32ShrU, [OP.SRAW]: Op.i32ShrS, [OP.MULW]: Op.i32Mul,
};
const ALU_W_RI: Partial<Record<number, number>> = {
  [OP.ADDIW]: Op.i32Add, [OP.SLLIW]: Op.i32Shl, [OP.SRLIW]: Op.i32ShrU, [OP.SRAIW]: Op.i32ShrS,
};
const BRANCH: Partial<Record<number, number>> = {
  [OP.BEQ]: Op.i64Eq, [OP.BNE]: Op.i64Ne, [OP.BLT]: Op.i64LtS, [OP.BGE]: Op.i64GeS, [OP.BLTU]: Op.i64LtU, [OP.BGEU]: Op.i64GeU,
};
/** Loads: wasm opcode and access size. */
const LOAD: Partial<Record<number, [number, number]>> = {
  [OP.LB]: [Op.i64Load8S, 1], [OP.LH]: [Op.i64Load16S, 2], [OP.LW]: [Op.i64Load32S, 4], [OP.LD]: [Op.i64Load, 8],
  [OP.LBU]: [Op.i64Load8U, 1], [OP.LHU]: [Op.i64Load16U, 2], [OP.LWU]: [Op.i64Load32U, 4],
};
const STORE: Partial<Record<number, [number, number]>> = {
  [OP.SB]: [Op.i64Store8, 1], [OP.SH]: [Op.i64Store16, 2], [OP.SW]: [Op.i64Store32, 4], [OP.SD]: [Op.i64Store, 8],
};
const DIVS = new Set([OP.DIV, OP.DIVU, OP.REM, OP.REMU, OP.DIVW, OP.DIVUW, OP.REMW, OP.REMUW]);
const OTHER = new Set([OP.LUI, OP.AUIPC, OP.JAL, OP.JALR, OP.LI, OP.MV, OP.SLTI, OP.SLTIU, OP.SLT, OP.SLTU, OP.FENCE, OP.FENCE_I]);

export function translatable(op: number): boolean {
  return op in ALU_RR || op in ALU_RI || op in ALU_W_RR || op in ALU_W_RI || op in BRANCH || op in LOAD || op in STORE || DIVS.has(op) || OTHER.has(op);
}

const writesRd = (op: number): boolean => !(op in BRANCH || op in STORE || op === OP.FENCE || op === OP.FENCE_I);

interface Traced extends Insn {
  base: number;
  off: number;
  len: number;
}

/**
 * The trace starting at the decoded slot `entry` (`read` gives the Insn at a slot address), as a
 * function of the JitFn type (jit.h), or undefined when its first instruction is not translated.
 */
export function translate(read: (addr: number) => Insn, entry: number, layout: JitLayout): (FuncCode & { insns: number; stop: number }) | undefined {
  const trace: Traced[] = [];
  let slot = entry, off = 0, jumped = false, stop = -1;
  while (trace.length < MAX_INSNS) {
    const i = read(slot);
    const base = firstOp(i.op & ~OP_C), len = i.op & OP_C ? 2 : 4;
    if (!translatable(base)) { stop = base; break; }
    trace.push({ ...i, base, off, len });
    off += len;
    slot += (len / 2) * layout.insnSize;
    if (base === OP.JAL || base === OP.JALR) { jumped = true; break; }
  }
  if (!trace.length) return undefined;
  const endOff = off;
  const used = new Set<number>(), written = new Set<number>();
  for (const t of trace) {
    for (const r of [t.rs1, t.rs2]) if (r > 0 && r < 32) used.add(r);
    if (writesRd(t.base) && t.rd > 0 && t.rd < SINK) { used.add(t.rd); written.add(t.rd); }
  }
  const b = new Bytes();
  const op = (...xs: number[]): Bytes => { for (const x of xs) b.byte(x); return b; };
  const mem = (opcode: number, align: number, offset: number): Bytes => op(opcode).u32(align).u32(offset);
  const get = (r: number): void => { if (r === 0) op(Op.i64Const).s(0); else op(Op.localGet).u32(xl(r)); };
  const set = (rd: number, value: () => void): void => {
    value();
    if (rd === 0 || rd >= SINK) op(Op.drop); else op(Op.localSet).u32(xl(rd));
  };
  const pcAt = (o: number): void => {
    op(Op.localGet).u32(1);
    if (o) op(Op.i64Const).s(o).byte(Op.i64Add);
  };
  const i64c = (v: number | bigint): void => { op(Op.i64Const).s(v); };
  let depth = 0; // blocks open inside the loop
  const exit = (k: number, npc: () => void, ctl: boolean): void => {
    for (const r of written) { op(Op.localGet).u32(0); op(Op.localGet).u32(xl(r)); mem(Op.i64Store, 3, layout.offX + 8 * r); }
    op(Op.localGet).u32(0); npc(); mem(Op.i64Store, 3, layout.offPc);
    op(Op.localGet).u32(L_N);
    if (k) op(Op.i32Const).s(k).byte(Op.i32Add);
    if (ctl) op(Op.i32Const).s(-0x80000000).byte(Op.i32Or);
    op(Op.return);
  };
  /* retire k instructions and run the trace again, unless the budget is used up */
  const loopBack = (k: number): void => {
    op(Op.localGet).u32(L_N); op(Op.i32Const).s(k); op(Op.i32Add, Op.localSet).u32(L_N);
    op(Op.localGet).u32(L_N); op(Op.localGet).u32(2); op(Op.i32GeU, Op.if, VOID);
    exit(0, () => pcAt(0), true);
    op(Op.end, Op.br).u32(depth);
  };
  const ifThen = (body: () => void): void => { op(Op.if, VOID); depth++; body(); depth--; op(Op.end); };
  /* host address of va in the TLB set at local `set`, or an exit before instruction k */
  const tlbAddr = (t: Traced, k: number, set: number, size: number): void => {
    get(t.rs1); i64c(t.imm); op(Op.i64Add, Op.localSet).u32(L_VA);
    op(Op.localGet).u32(set);
    op(Op.localGet).u32(L_VA); i64c(12); op(Op.i64ShrU, Op.i32WrapI64, Op.i32Const).s(layout.tlbSize - 1);
    op(Op.i32And, Op.i32Const).s(layout.tlbEntrySize); op(Op.i32Mul, Op.i32Add, Op.localTee).u32(L_E);
    mem(Op.i64Load, 3, 0);
    op(Op.localGet).u32(L_VA); i64c(~0xfffn | BigInt(size - 1)); op(Op.i64And, Op.i64Ne);
    ifThen(() => exit(k, () => pcAt(t.off), false));
    op(Op.localGet).u32(L_E); mem(Op.i32Load, 2, 8); // TlbEntry.addend
    op(Op.localGet).u32(L_VA); op(Op.i32WrapI64, Op.i32Add);
  };
  /* a division's result: `zero` when the divisor (local va, for 32-bit ops its low half
   * zero-extended) is 0, `ovf` (if given) when the overflow flag (local e) is set, else `div` */
  const guarded = (w: boolean, zero: () => void, ovf: (() => void) | undefined, div: () => void): void => {
    const rt = w ? I32 : I64;
    op(Op.localGet).u32(L_VA); op(Op.i64Eqz, Op.if, rt); zero(); op(Op.else);
    if (ovf) { op(Op.localGet).u32(L_E); op(Op.if, rt); ovf(); op(Op.else); div(); op(Op.end); } else div();
    op(Op.end);
  };
  // prologue: the TLB sets of the current data mode, the registers the trace touches
  op(Op.localGet).u32(0); mem(Op.i32Load, 2, layout.offTlbCur); op(Op.localTee).u32(L_TR);
  op(Op.i32Const).s(layout.offTlbW); op(Op.i32Add, Op.localSet).u32(L_TW);
  if (layout.offTlbR) { op(Op.localGet).u32(L_TR); op(Op.i32Const).s(layout.offTlbR); op(Op.i32Add, Op.localSet).u32(L_TR); }
  for (const r of used) { op(Op.localGet).u32(0); mem(Op.i64Load, 3, layout.offX + 8 * r); op(Op.localSet).u32(xl(r)); }
  op(Op.loop, VOID);
  trace.forEach((t, k) => {
    const o = t.base;
    const rr = ALU_RR[o], ri = ALU_RI[o], wrr = ALU_W_RR[o], wri = ALU_W_RI[o], br = BRANCH[o], ld = LOAD[o], st = STORE[o];
    if (rr !== undefined) set(t.rd, () => { get(t.rs1); get(t.rs2); op(rr); });
    else if (ri !== undefined) set(t.rd, () => { get(t.rs1); i64c(t.imm); op(ri); });
    else if (wrr !== undefined) set(t.rd, () => { get(t.rs1); op(Op.i32WrapI64); get(t.rs2); op(Op.i32WrapI64, wrr, Op.i64ExtendI32S); });
    else if (wri !== undefined) set(t.rd, () => { get(t.rs1); op(Op.i32WrapI64, Op.i32Const).s(t.imm); op(wri, Op.i64ExtendI32S); });
    else if (ld) {
      tlbAddr(t, k, L_TR, ld[1]);
      set(t.rd, () => mem(ld[0], 0, 0));
    } else if (st) {
      tlbAddr(t, k, L_TW, st[1]);
      get(t.rs2); mem(st[0], 0, 0);
    } else if (br !== undefined) {
      get(t.rs1); get(t.rs2); op(br);
      const target = t.off + t.imm;
      ifThen(() => { if (target === 0) loopBack(k + 1); else exit(k + 1, () => pcAt(target), true); });
    } else if (DIVS.has(o)) {
      const w = o === OP.DIVW || o === OP.DIVUW || o === OP.REMW || o === OP.REMUW;
      get(t.rs2); if (w) op(Op.i32WrapI64, Op.i64ExtendI32U); op(Op.localSet).u32(L_VA);
      const a = (): void => { get(t.rs1); if (w) op(Op.i32WrapI64); };
      const bv = (): void => { op(Op.localGet).u32(L_VA); if (w) op(Op.i32WrapI64); };
      const ones = (): void => { if (w) op(Op.i32Const).s(-1); else i64c(-1); };
      const zeroVal = (): void => { if (w) op(Op.i32Const).s(0); else i64c(0); };
      const signed = o === OP.DIV || o === OP.DIVW || o === OP.REM || o === OP.REMW;
      if (signed) { // overflow: the most negative dividend divided by -1
        a(); if (w) op(Op.i32Const).s(-0x80000000).byte(Op.i32Eq); else { i64c(-(1n << 63n)); op(Op.i64Eq); }
        bv(); if (w) op(Op.i32Const).s(-1).byte(Op.i32Eq); else { i64c(-1); op(Op.i64Eq); }
        op(Op.i32And, Op.localSet).u32(L_E);
      }
      set(t.rd, () => {
        if (o === OP.DIV || o === OP.DIVW) guarded(w, ones, a, () => { a(); bv(); op(w ? Op.i32DivS : Op.i64DivS); });
        else if (o === OP.DIVU || o === OP.DIVUW) guarded(w, ones, undefined, () => { a(); bv(); op(w ? Op.i32DivU : Op.i64DivU); });
        else if (o === OP.REM || o === OP.REMW) guarded(w, a, zeroVal, () => { a(); bv(); op(w ? Op.i32RemS : Op.i64RemS); });
        else guarded(w, a, undefined, () => { a(); bv(); op(w ? Op.i32RemU : Op.i64RemU); });
        if (w) op(Op.i64ExtendI32S);
      });
    } else if (o === OP.LUI || o === OP.LI) set(t.rd, () => i64c(t.imm));
    else if (o === OP.AUIPC) set(t.rd, () => pcAt(t.off + t.imm));
    else if (o === OP.MV) set(t.rd, () => get(t.rs1));
    else if (o === OP.SLTI || o === OP.SLTIU) set(t.rd, () => { get(t.rs1); i64c(t.imm); op(o === OP.SLTI ? Op.i64LtS : Op.i64LtU, Op.i64ExtendI32U); });
    else if (o === OP.SLT || o === OP.SLTU) set(t.rd, () => { get(t.rs1); get(t.rs2); op(o === OP.SLT ? Op.i64LtS : Op.i64LtU, Op.i64ExtendI32U); });
    else if (o === OP.JAL) {
      set(t.rd, () => pcAt(t.off + t.len));
      const target = t.off + t.imm;
      if (target === 0) loopBack(k + 1); else exit(k + 1, () => pcAt(target), true);
    } else if (o === OP.JALR) {
      get(t.rs1); i64c(t.imm); op(Op.i64Add); i64c(-2); op(Op.i64And, Op.localSet).u32(L_VA);
      set(t.rd, () => pcAt(t.off + t.len));
      exit(k + 1, () => op(Op.localGet).u32(L_VA), true);
    }
    // FENCE, FENCE.I: nothing to do (stores to decoded pages already invalidate them)
  });
  // a trace cut at MAX_INSNS ends like a jump, so its continuation is a block entry of its own
  if (!jumped) exit(trace.length, () => pcAt(endOff), trace.length === MAX_INSNS);
  op(Op.end, Op.unreachable);
  return { locals: [[4, I32], [32, I64]], body: b, insns: trace.length, stop };
}
