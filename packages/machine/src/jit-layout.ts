// What the JIT host reads from the machine's memory (native/riscv64/jit.h, decode.h): the decoded
// operation numbers and the Jit state's header. test/jit-layout.test.ts checks both against the C.

/** decode.h's OP_* names in enum order (the value is the index). */
export const OP_NAMES = [
  'DECODE', 'ILLEGAL', 'CROSS', 'PAGE_END', 'LUI', 'AUIPC', 'JAL', 'JALR',
  'BEQ', 'BNE', 'BLT', 'BGE', 'BLTU', 'BGEU',
  'LB', 'LH', 'LW', 'LD', 'LBU', 'LHU', 'LWU',
  'SB', 'SH', 'SW', 'SD',
  'ADDI', 'SLTI', 'SLTIU', 'XORI', 'ORI', 'ANDI', 'SLLI', 'SRLI', 'SRAI',
  'ADD', 'SUB', 'SLL', 'SLT', 'SLTU', 'XOR', 'SRL', 'SRA', 'OR', 'AND',
  'ADDIW', 'SLLIW', 'SRLIW', 'SRAIW', 'ADDW', 'SUBW', 'SLLW', 'SRLW', 'SRAW',
  'MUL', 'MULH', 'MULHSU', 'MULHU', 'DIV', 'DIVU', 'REM', 'REMU',
  'MULW', 'DIVW', 'DIVUW', 'REMW', 'REMUW',
  'FENCE', 'FENCE_I', 'ECALL', 'EBREAK', 'SRET', 'MRET', 'WFI', 'SFENCE_VMA',
  'CSRRW', 'CSRRS', 'CSRRC', 'CSRRWI', 'CSRRSI', 'CSRRCI',
  'LR_W', 'SC_W', 'AMO_W', 'LR_D', 'SC_D', 'AMO_D',
  'FLW', 'FLD', 'FSW', 'FSD', 'FP',
  'MV', 'LI',
  'SD_SD', 'LD_LD', 'LBU_LBU', 'ADD_ADD', 'OR_OR', 'SLLIW_SLLIW', 'SLLIW_OR', 'OR_SLLIW',
  'LBU_SLLIW', 'ADDI_SD', 'SD_ADDI', 'LD_ADDI', 'LD_ADD', 'ADD_LD', 'AUIPC_ADDI',
  'SLLI_ADD', 'LBU_ADDI', 'ADDI_JALR', 'ADD_JAL', 'ADDI_BNE', 'ANDI_BNE', 'LD_BEQ',
] as const;
export type OpName = (typeof OP_NAMES)[number];
export const OP = Object.fromEntries(OP_NAMES.map((n, i) => [n, i])) as Record<OpName, number>;
/**
 * The operation a decoded slot starts with: a superinstruction (the names after LI, FIRST_SECOND)
 * runs its slot's instruction and the next slot's, which keeps its own decoding, so a trace reads
 * it as its first operation.
 */
const FIRST_OP = OP_NAMES.map((n, i) => (i > OP.LI ? OP[n.slice(0, n.indexOf('_')) as OpName] : i));
export const firstOp = (base: number): number => FIRST_OP[base] ?? base;
/** Bit 7 of Insn.op: a 16-bit (compressed) encoding. */
export const OP_C = 0x80;

export const JIT_MAGIC = 0x3154494a;
export const JIT_QUEUE = 64;
/** JitEntry.fn of a block the host cannot translate. */
export const JIT_NONE = 0xffffffff;

/** struct Jit's header fields (u32 each, in order). */
export interface JitLayout {
  base: number;
  nreqAddr: number;
  retiredAddr: number;
  reqAddr: number;
  tabAddr: number;
  insnSize: number;
  entrySize: number;
  offX: number;
  offPc: number;
  offTlbCur: number;
  offTlbR: number;
  offTlbW: number;
  tlbEntrySize: number;
  tlbSize: number;
}

/** Reads the header at `base` (c2w_jit_info's answer). */
export function readLayout(mem: Uint32Array, base: number): JitLayout {
  const w = (i: number): number => mem[(base >>> 2) + i]!;
  if (w(0) !== JIT_MAGIC) throw new Error(`c2w_jit_info points at ${base}, which holds no JIT state (magic ${w(0)!.toString(16)})`);
  const h = 4 + JIT_QUEUE;
  return {
    base, nreqAddr: base + 4, retiredAddr: base + 8, reqAddr: base + 16,
    tabAddr: w(h), insnSize: w(h + 1), entrySize: w(h + 2), offX: w(h + 3), offPc: w(h + 4), offTlbCur: w(h + 5),
    offTlbR: w(h + 6), offTlbW: w(h + 7), tlbEntrySize: w(h + 8), tlbSize: w(h + 9),
  };
}
