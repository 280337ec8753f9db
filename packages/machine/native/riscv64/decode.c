/* Instruction decoder: RV64IMAFD + Zicsr + Zifencei (unprivileged spec chapters 2, 5, 7, 8, 9,
 * 11, 12, 13), privileged instructions (privileged spec 3.3, 4.2.1), and the C extension
 * (chapter 16) expanded to the equivalent 32-bit encoding first. rd = x0 is mapped to the
 * sink register 32 so the interpreter never tests for it. */
#include "machine.h"
#include <string.h>
#include "decode.h"

static inline int32_t sext(uint32_t v, int bits) { return (int32_t)(v << (32 - bits)) >> (32 - bits); }

void decode_insn(uint32_t raw, Insn *d) {
  uint32_t opc = raw & 0x7f, rd = (raw >> 7) & 31, f3 = (raw >> 12) & 7, rs1 = (raw >> 15) & 31,
           rs2 = (raw >> 20) & 31, f7 = raw >> 25;
  int32_t imm_i = (int32_t)raw >> 20;
  int32_t imm_s = ((int32_t)raw >> 25 << 5) | (int32_t)rd;
  int32_t imm_b = sext(((raw >> 31) << 12) | (((raw >> 7) & 1) << 11) | (((raw >> 25) & 0x3f) << 5) |
                       (((raw >> 8) & 0xf) << 1), 13);
  int32_t imm_u = (int32_t)(raw & 0xfffff000);
  int32_t imm_j = sext(((raw >> 31) << 20) | (((raw >> 12) & 0xff) << 12) | (((raw >> 20) & 1) << 11) |
                       (((raw >> 21) & 0x3ff) << 1), 21);
  int op = OP_ILLEGAL;
  int32_t imm = 0;
  switch (opc) {
  case 0x37: op = OP_LUI; imm = imm_u; break;
  case 0x17: op = OP_AUIPC; imm = imm_u; break;
  case 0x6f: op = OP_JAL; imm = imm_j; break;
  case 0x67: if (f3 == 0) { op = OP_JALR; imm = imm_i; } break;
  case 0x63: {
    static const int ops[8] = {OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
    op = ops[f3]; imm = imm_b;
    break;
  }
  case 0x03: {
    static const int ops[8] = {OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL};
    op = ops[f3]; imm = imm_i;
    break;
  }
  case 0x23: {
    static const int ops[8] = {OP_SB, OP_SH, OP_SW, OP_SD, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL};
    op = ops[f3]; imm = imm_s;
    break;
  }
  case 0x13:
    imm = imm_i;
    switch (f3) {
    case 0: op = OP_ADDI; break;
    case 2: op = OP_SLTI; break;
    case 3: op = OP_SLTIU; break;
    case 4: op = OP_XORI; break;
    case 6: op = OP_ORI; break;
    case 7: op = OP_ANDI; break;
    case 1: if ((raw >> 26) == 0) { op = OP_SLLI; imm = (raw >> 20) & 63; } break;
    case 5:
      if ((raw >> 26) == 0) { op = OP_SRLI; imm = (raw >> 20) & 63; }
      else if ((raw >> 26) == 0x10) { op = OP_SRAI; imm = (raw >> 20) & 63; }
      break;
    }
    if (op == OP_ADDI) {
      if (rs1 == 0) op = OP_LI;
      else if (imm == 0) op = OP_MV;
    }
    break;
  case 0x1b:
    imm = imm_i;
    switch (f3) {
    case 0: op = OP_ADDIW; break;
    case 1: if (f7 == 0) { op = OP_SLLIW; imm = rs2; } break;
    case 5:
      if (f7 == 0) { op = OP_SRLIW; imm = rs2; }
      else if (f7 == 0x20) { op = OP_SRAIW; imm = rs2; }
      break;
    }
    break;
  case 0x33:
    if (f7 == 0) {
      static const int ops[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND};
      op = ops[f3];
    } else if (f7 == 0x20) {
      if (f3 == 0) op = OP_SUB;
      else if (f3 == 5) op = OP_SRA;
    } else if (f7 == 1) {
      static const int ops[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU};
      op = ops[f3];
    }
    break;
  case 0x3b:
    if (f7 == 0) {
      if (f3 == 0) op = OP_ADDW;
      else if (f3 == 1) op = OP_SLLW;
      else if (f3 == 5) op = OP_SRLW;
    } else if (f7 == 0x20) {
      if (f3 == 0) op = OP_SUBW;
      else if (f3 == 5) op = OP_SRAW;
    } else if (f7 == 1) {
      static const int ops[8] = {OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW};
      op = ops[f3];
    }
    break;
  case 0x0f:
    if (f3 == 0) op = OP_FENCE;
    else if (f3 == 1) op = OP_FENCE_I;
    break;
  case 0x73:
    if (f3 == 0) {
      if (raw == 0x00000073) op = OP_ECALL;
      else if (raw == 0x00100073) op = OP_EBREAK;
      else if (raw == 0x10200073) op = OP_SRET;
      else if (raw == 0x30200073) op = OP_MRET;
      else if (raw == 0x10500073) op = OP_WFI;
      else if (f7 == 0x09 && rd == 0) op = OP_SFENCE_VMA;
    } else if (f3 != 4) {
      static const int ops[8] = {0, OP_CSRRW, OP_CSRRS, OP_CSRRC, 0, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI};
      op = ops[f3];
      imm = (raw >> 20) & 0xfff;
    }
    break;
  case 0x2f:
    if (f3 == 2 || f3 == 3) {
      uint32_t f5 = raw >> 27;
      bool w = f3 == 2;
      if (f5 == 2) { if (rs2 == 0) op = w ? OP_LR_W : OP_LR_D; }
      else if (f5 == 3) op = w ? OP_SC_W : OP_SC_D;
      else if (f5 == 0 || f5 == 1 || f5 == 4 || f5 == 8 || f5 == 12 || f5 == 16 || f5 == 20 || f5 == 24 || f5 == 28) {
        op = w ? OP_AMO_W : OP_AMO_D;
        imm = (int32_t)f5;
      }
    }
    break;
  case 0x07:
    if (f3 == 2) { op = OP_FLW; imm = imm_i; }
    else if (f3 == 3) { op = OP_FLD; imm = imm_i; }
    break;
  case 0x27:
    if (f3 == 2) { op = OP_FSW; imm = imm_s; }
    else if (f3 == 3) { op = OP_FSD; imm = imm_s; }
    break;
  case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
    op = OP_FP; imm = (int32_t)raw;
    break;
  default: break;
  }
  if (op == OP_ILLEGAL) imm = (int32_t)raw;
  d->op = (uint8_t)op;
  /* FP loads address f registers, where f0 is a real register */
  d->rd = (uint8_t)((rd || opc == 0x07) ? rd : 32);
  d->rs1 = (uint8_t)rs1;
  d->rs2 = (uint8_t)rs2;
  d->imm = imm;
}

/* C extension: expand a 16-bit instruction to its 32-bit equivalent (spec chapter 16, RV64). */
#define R_(f7, rs2, rs1, f3, rd, opc) (((uint32_t)(f7) << 25) | ((rs2) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | (opc))
static uint32_t enc_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc) {
  return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
static uint32_t enc_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc) {
  return ((uint32_t)((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((uint32_t)(imm & 31) << 7) | opc;
}
static uint32_t enc_b(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3) {
  uint32_t u = (uint32_t)imm;
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}
static uint32_t enc_j(int32_t imm, uint32_t rd) {
  uint32_t u = (uint32_t)imm;
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xff) << 12) |
         (rd << 7) | 0x6f;
}

uint32_t rvc_expand(uint16_t c) {
  uint32_t q = c & 3, f3 = c >> 13;
  uint32_t rd = (c >> 7) & 31, rs2 = (c >> 2) & 31;
  uint32_t rdp = 8 + ((c >> 2) & 7), rs1p = 8 + ((c >> 7) & 7);
  if (q == 0) {
    switch (f3) {
    case 0: { /* c.addi4spn */
      uint32_t nz = ((c >> 7) & 0x30) | ((c >> 1) & 0x3c0) | ((c >> 4) & 4) | ((c >> 2) & 8);
      if (nz == 0) return 0;
      return enc_i((int32_t)nz, 2, 0, rdp, 0x13);
    }
    case 1: { uint32_t o = ((c >> 7) & 0x38) | ((c << 1) & 0xc0); return enc_i((int32_t)o, rs1p, 3, rdp, 0x07); } /* c.fld */
    case 2: { uint32_t o = ((c >> 7) & 0x38) | ((c >> 4) & 4) | ((c << 1) & 0x40); return enc_i((int32_t)o, rs1p, 2, rdp, 0x03); } /* c.lw */
    case 3: { uint32_t o = ((c >> 7) & 0x38) | ((c << 1) & 0xc0); return enc_i((int32_t)o, rs1p, 3, rdp, 0x03); } /* c.ld */
    case 5: { uint32_t o = ((c >> 7) & 0x38) | ((c << 1) & 0xc0); return enc_s((int32_t)o, rdp, rs1p, 3, 0x27); } /* c.fsd */
    case 6: { uint32_t o = ((c >> 7) & 0x38) | ((c >> 4) & 4) | ((c << 1) & 0x40); return enc_s((int32_t)o, rdp, rs1p, 2, 0x23); } /* c.sw */
    case 7: { uint32_t o = ((c >> 7) & 0x38) | ((c << 1) & 0xc0); return enc_s((int32_t)o, rdp, rs1p, 3, 0x23); } /* c.sd */
    default: return 0;
    }
  }
  if (q == 1) {
    int32_t imm6 = sext(((c >> 7) & 0x20) | ((c >> 2) & 31), 6);
    switch (f3) {
    case 0: return enc_i(imm6, rd, 0, rd, 0x13); /* c.addi / c.nop */
    case 1: if (rd == 0) return 0; return enc_i(imm6, rd, 0, rd, 0x1b); /* c.addiw */
    case 2: return enc_i(imm6, 0, 0, rd, 0x13); /* c.li */
    case 3:
      if (rd == 2) { /* c.addi16sp */
        int32_t nz = sext(((c >> 3) & 0x200) | ((c >> 2) & 0x10) | ((c << 1) & 0x40) | ((c << 4) & 0x180) | ((c << 3) & 0x20), 10);
        if (nz == 0) return 0;
        return enc_i(nz, 2, 0, 2, 0x13);
      } else { /* c.lui */
        if (imm6 == 0) return 0;
        return ((uint32_t)imm6 << 12) | (rd << 7) | 0x37;
      }
    case 4: {
      uint32_t f2 = (c >> 10) & 3;
      uint32_t sh = ((c >> 7) & 0x20) | ((c >> 2) & 31);
      if (f2 == 0) return enc_i((int32_t)sh, rs1p, 5, rs1p, 0x13); /* c.srli */
      if (f2 == 1) return enc_i((int32_t)(sh | 0x400), rs1p, 5, rs1p, 0x13); /* c.srai */
      if (f2 == 2) return enc_i(imm6, rs1p, 7, rs1p, 0x13); /* c.andi */
      uint32_t f = ((c >> 10) & 4) | ((c >> 5) & 3);
      switch (f) {
      case 0: return R_(0x20, rdp, rs1p, 0, rs1p, 0x33); /* c.sub */
      case 1: return R_(0, rdp, rs1p, 4, rs1p, 0x33);    /* c.xor */
      case 2: return R_(0, rdp, rs1p, 6, rs1p, 0x33);    /* c.or */
      case 3: return R_(0, rdp, rs1p, 7, rs1p, 0x33);    /* c.and */
      case 4: return R_(0x20, rdp, rs1p, 0, rs1p, 0x3b); /* c.subw */
      case 5: return R_(0, rdp, rs1p, 0, rs1p, 0x3b);    /* c.addw */
      default: return 0;
      }
    }
    case 5: { /* c.j */
      int32_t o = sext(((c >> 1) & 0x800) | ((c >> 7) & 0x10) | ((c >> 1) & 0x300) | ((c << 2) & 0x400) |
                       ((c >> 1) & 0x40) | ((c << 1) & 0x80) | ((c >> 2) & 0xe) | ((c << 3) & 0x20), 12);
      return enc_j(o, 0);
    }
    case 6: case 7: { /* c.beqz / c.bnez */
      int32_t o = sext(((c >> 4) & 0x100) | ((c >> 7) & 0x18) | ((c << 1) & 0xc0) | ((c >> 2) & 6) | ((c << 3) & 0x20), 9);
      return enc_b(o, 0, rs1p, f3 == 6 ? 0 : 1);
    }
    }
  }
  if (q == 2) {
    uint32_t sh = ((c >> 7) & 0x20) | ((c >> 2) & 31);
    switch (f3) {
    case 0: return enc_i((int32_t)sh, rd, 1, rd, 0x13); /* c.slli */
    case 1: { uint32_t o = ((c >> 7) & 0x20) | ((c >> 2) & 0x18) | ((c << 4) & 0x1c0); return enc_i((int32_t)o, 2, 3, rd, 0x07); } /* c.fldsp */
    case 2: { if (rd == 0) return 0; uint32_t o = ((c >> 7) & 0x20) | ((c >> 2) & 0x1c) | ((c << 4) & 0xc0); return enc_i((int32_t)o, 2, 2, rd, 0x03); } /* c.lwsp */
    case 3: { if (rd == 0) return 0; uint32_t o = ((c >> 7) & 0x20) | ((c >> 2) & 0x18) | ((c << 4) & 0x1c0); return enc_i((int32_t)o, 2, 3, rd, 0x03); } /* c.ldsp */
    case 4:
      if (!(c & 0x1000)) {
        if (rs2 == 0) { if (rd == 0) return 0; return enc_i(0, rd, 0, 0, 0x67); } /* c.jr */
        return R_(0, rs2, 0, 0, rd, 0x33); /* c.mv */
      } else {
        if (rs2 == 0) {
          if (rd == 0) return 0x00100073; /* c.ebreak */
          return enc_i(0, rd, 0, 1, 0x67); /* c.jalr */
        }
        return R_(0, rs2, rd, 0, rd, 0x33); /* c.add */
      }
    case 5: { uint32_t o = ((c >> 7) & 0x38) | ((c >> 1) & 0x1c0); return enc_s((int32_t)o, rs2, 2, 3, 0x27); } /* c.fsdsp */
    case 6: { uint32_t o = ((c >> 7) & 0x3c) | ((c >> 1) & 0xc0); return enc_s((int32_t)o, rs2, 2, 2, 0x23); } /* c.swsp */
    case 7: { uint32_t o = ((c >> 7) & 0x38) | ((c >> 1) & 0x1c0); return enc_s((int32_t)o, rs2, 2, 3, 0x23); } /* c.sdsp */
    }
  }
  return 0;
}

#define PAIR_ENTRY(a, b) [OP_##a##_##b - OP_PAIR0] = {OP_##a, OP_##b},
const uint8_t pair_ops[OP_COUNT - OP_PAIR0][2] = {OP_PAIRS(PAIR_ENTRY)};
/* operations that start a pair, as a 128-bit set (decode runs often enough for a loop to show) */
#define FIRST_LO(a, b) | (OP_##a < 64 ? 1ULL << (OP_##a & 63) : 0)
#define FIRST_HI(a, b) | (OP_##a >= 64 ? 1ULL << (OP_##a & 63) : 0)
static const uint64_t pair_first[2] = {0 OP_PAIRS(FIRST_LO), 0 OP_PAIRS(FIRST_HI)};

/* One slot at byte offset off of a decoded page whose code is at host. */
static void decode_one(Insn *w, const uint8_t *host, uint32_t off) {
  uint16_t lo;
  memcpy(&lo, host + off, 2);
  if ((lo & 3) != 3) {
    uint32_t e = rvc_expand(lo);
    if (e) decode_insn(e, w);
    else { w->op = OP_ILLEGAL; w->imm = lo; }
    w->op |= OP_C;
  } else if (off == PAGE_SIZE - 2) {
    w->op = OP_CROSS;
  } else {
    uint32_t raw;
    memcpy(&raw, host + off, 4);
    decode_insn(raw, w);
  }
}

/* Decode a slot and make it a superinstruction when the next instruction (decoded now if it was
 * not yet) completes a pair: one dispatch instead of two. The next slot stays as it is, so a jump
 * to it, or a fault in the first half, runs it alone. */
void decode_slot(Insn *w, const uint8_t *host, uint32_t off) {
  decode_one(w, host, off);
  int a = w->op & ~OP_C, len = w->op & OP_C ? 2 : 4;
  if (off + len >= PAGE_SIZE) return;
  if (!((pair_first[a >> 6] >> (a & 63)) & 1)) return;
  Insn *n = w + len / 2;
  if (n->op == OP_DECODE) decode_one(n, host, off + len);
  int b = op_first(n->op & ~OP_C);
  for (int i = 0; i < OP_COUNT - OP_PAIR0; i++)
    if (pair_ops[i][0] == a && pair_ops[i][1] == b) { w->op = (uint8_t)((OP_PAIR0 + i) | (w->op & OP_C)); return; }
}
