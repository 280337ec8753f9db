/* Decoded operation codes for the decode cache (RISC-V unprivileged spec chapters 2, 5, 7, 8, 16). */
#ifndef C2W_DECODE_H
#define C2W_DECODE_H
enum {
  OP_DECODE = 0, /* slot not decoded yet */
  OP_ILLEGAL, OP_CROSS, /* 32-bit instruction crossing a page boundary */
  OP_PAGE_END, /* sentinel slots after the last instruction of a decoded page */
  OP_LUI, OP_AUIPC, OP_JAL, OP_JALR,
  OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
  OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU,
  OP_SB, OP_SH, OP_SW, OP_SD,
  OP_ADDI, OP_SLTI, OP_SLTIU, OP_XORI, OP_ORI, OP_ANDI, OP_SLLI, OP_SRLI, OP_SRAI,
  OP_ADD, OP_SUB, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_SRA, OP_OR, OP_AND,
  OP_ADDIW, OP_SLLIW, OP_SRLIW, OP_SRAIW, OP_ADDW, OP_SUBW, OP_SLLW, OP_SRLW, OP_SRAW,
  OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
  OP_MULW, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
  OP_FENCE, OP_FENCE_I, OP_ECALL, OP_EBREAK, OP_SRET, OP_MRET, OP_WFI, OP_SFENCE_VMA,
  OP_CSRRW, OP_CSRRS, OP_CSRRC, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
  OP_LR_W, OP_SC_W, OP_AMO_W, OP_LR_D, OP_SC_D, OP_AMO_D,
  OP_FLW, OP_FLD, OP_FSW, OP_FSD, OP_FP, /* OP_FP: imm holds the raw encoding */
  OP_MV, OP_LI, /* specialised forms of addi */
  /* superinstructions: the slot of the first of two adjacent instructions runs both (the pairs
   * most frequent in a Linux boot); it keeps the first's fields, the second slot its own */
  OP_SD_SD, OP_LD_LD, OP_LBU_LBU, OP_ADD_ADD, OP_OR_OR, OP_SLLIW_SLLIW, OP_SLLIW_OR, OP_OR_SLLIW,
  OP_LBU_SLLIW, OP_ADDI_SD, OP_SD_ADDI, OP_LD_ADDI, OP_LD_ADD, OP_ADD_LD, OP_AUIPC_ADDI,
  OP_SLLI_ADD, OP_LBU_ADDI, OP_ADDI_JALR, OP_ADD_JAL, OP_ADDI_BNE, OP_ANDI_BNE, OP_LD_BEQ,
  OP_COUNT
};
#define OP_PAIR0 OP_SD_SD
/* the pairs again, for tables and the loop's cases (the enum stays a plain list for the JIT host) */
#define OP_PAIRS(P) P(SD, SD) P(LD, LD) P(LBU, LBU) P(ADD, ADD) P(OR, OR) P(SLLIW, SLLIW) \
  P(SLLIW, OR) P(OR, SLLIW) P(LBU, SLLIW) P(ADDI, SD) P(SD, ADDI) P(LD, ADDI) P(LD, ADD) P(ADD, LD) \
  P(AUIPC, ADDI) P(SLLI, ADD) P(LBU, ADDI) P(ADDI, JALR) P(ADD, JAL) P(ADDI, BNE) P(ANDI, BNE) P(LD, BEQ)
extern const uint8_t pair_ops[OP_COUNT - OP_PAIR0][2]; /* first, second */
/* the operation a slot starts with (a superinstruction's first) */
static inline int op_first(int op) { return op >= OP_PAIR0 ? pair_ops[op - OP_PAIR0][0] : op; }
uint32_t rvc_expand(uint16_t c); /* 0 = illegal */
void decode_slot(Insn *w, const uint8_t *host, uint32_t off); /* decode, then fuse with the next */
#endif
