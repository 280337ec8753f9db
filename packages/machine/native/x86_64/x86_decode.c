/* x86-64 CPU: instruction decoder for 64-bit mode (SDM vol. 2 ch. 2: legacy prefixes, REX,
 * opcode maps, ModR/M and SIB with RIP-relative addressing, displacement, immediate)
 * and for 32-bit code segments (no REX: 40-4F are INC/DEC; 32-bit operands and addresses; 16-bit
 * addressing is not implemented). Produces an X86Insn; executing it is x86_exec.c's job. */
#include "x86.h"
#include "x86_mem.h"

enum { IMM_NONE, IMM_B, IMM_W, IMM_Z, IMM_V, IMM_MOFFS, IMM_ENTER, IMM_FAR };
#define HAS_MODRM 0x10
#define INVALID 0x20

/* one-byte map (SDM vol. 2 table A-2); invalid in 64-bit mode: PUSH/POP seg, DAA.., BOUND,
 * LES/LDS (VEX there), far CALL/JMP ptr, INTO, AAM/AAD, SALC */
static uint8_t info1_build(uint8_t op, bool code32) {
  if (code32) { /* valid outside 64-bit mode; most of them are #UD at execution still */
    if (op == 0x9a || op == 0xea) return IMM_FAR;
    if (op >= 0x40 && op <= 0x4f) return IMM_NONE;
    if (op == 0x06 || op == 0x07 || op == 0x0e || op == 0x16 || op == 0x17 || op == 0x1e || op == 0x1f ||
        op == 0x27 || op == 0x2f || op == 0x37 || op == 0x3f || op == 0x60 || op == 0x61 || op == 0xce ||
        op == 0xd6)
      return IMM_NONE;
    if (op == 0x62 || op == 0xc4 || op == 0xc5 || op == 0x82) return HAS_MODRM | (op == 0x82 ? IMM_B : 0);
    if (op == 0xd4 || op == 0xd5) return IMM_B;
  }
  switch (op) {
  case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e: case 0x1f:
  case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60: case 0x61: case 0x62:
  case 0x9a: case 0xc4: case 0xc5: case 0xce: case 0xd4: case 0xd5: case 0xd6: case 0xea:
    return INVALID;
  case 0x82: return INVALID;
  }
  if (op < 0x40) {
    switch (op & 7) {
    case 0: case 1: case 2: case 3: return HAS_MODRM;
    case 4: return IMM_B;
    case 5: return IMM_Z;
    default: return IMM_NONE;
    }
  }
  switch (op) {
  case 0x63: return HAS_MODRM;
  case 0x68: return IMM_Z;
  case 0x69: return HAS_MODRM | IMM_Z;
  case 0x6a: return IMM_B;
  case 0x6b: return HAS_MODRM | IMM_B;
  case 0x70 ... 0x7f: return IMM_B;
  case 0x80: case 0x83: return HAS_MODRM | IMM_B;
  case 0x81: return HAS_MODRM | IMM_Z;
  case 0x84 ... 0x8f: return HAS_MODRM;
  case 0xa0 ... 0xa3: return IMM_MOFFS;
  case 0xa8: return IMM_B;
  case 0xa9: return IMM_Z;
  case 0xb0 ... 0xb7: return IMM_B;
  case 0xb8 ... 0xbf: return IMM_V;
  case 0xc0: case 0xc1: return HAS_MODRM | IMM_B;
  case 0xc2: case 0xca: return IMM_W;
  case 0xc6: return HAS_MODRM | IMM_B;
  case 0xc7: return HAS_MODRM | IMM_Z;
  case 0xc8: return IMM_ENTER;
  case 0xcd: return IMM_B;
  case 0xd0 ... 0xd3: case 0xd8 ... 0xdf: return HAS_MODRM;
  case 0xe0 ... 0xe7: case 0xeb: return IMM_B;
  case 0xe8: case 0xe9: return IMM_Z;
  case 0xf6: case 0xf7: case 0xfe: case 0xff: return HAS_MODRM; /* F6/F7 /0,/1 add an immediate */
  default: return IMM_NONE;
  }
}

/* two-byte map 0F xx (SDM vol. 2 table A-3) */
static uint8_t info2_build(uint8_t op) {
  switch (op) {
  case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b: case 0x0e:
  case 0x30 ... 0x37: case 0x77: case 0xa0: case 0xa1: case 0xa2: case 0xa8: case 0xa9: case 0xaa:
  case 0xc8 ... 0xcf:
    return IMM_NONE;
  case 0x38: case 0x3a: return INVALID; /* SSSE3/SSE4 maps: not advertised by CPUID */
  case 0x80 ... 0x8f: return IMM_Z;
  case 0x70 ... 0x73: case 0xa4: case 0xac: case 0xba: case 0xc2: case 0xc4: case 0xc5: case 0xc6:
    return HAS_MODRM | IMM_B;
  default: return HAS_MODRM;
  }
}

/* the maps above as tables, filled once (ADR 0039: the switches and the prefix compares were
 * a third of x86_decode's time); [0] 64-bit code, [1] 32-bit code, [2] the 0F map */
enum { P_NONE, P_66, P_67, P_F0, P_F2, P_F3, P_FS, P_GS, P_NULLSEG };
static uint8_t info_tab[3][256], prefix_tab[256];
static bool tabs_ready;
static void tabs_build(void) {
  for (int op = 0; op < 256; op++) {
    info_tab[0][op] = info1_build((uint8_t)op, false);
    info_tab[1][op] = info1_build((uint8_t)op, true);
    info_tab[2][op] = info2_build((uint8_t)op);
  }
  prefix_tab[0x66] = P_66; prefix_tab[0x67] = P_67; prefix_tab[0xf0] = P_F0;
  prefix_tab[0xf2] = P_F2; prefix_tab[0xf3] = P_F3; prefix_tab[0x64] = P_FS; prefix_tab[0x65] = P_GS;
  prefix_tab[0x26] = prefix_tab[0x2e] = prefix_tab[0x36] = prefix_tab[0x3e] = P_NULLSEG;
  tabs_ready = true;
}

int x86_decode(X86Cpu *c, X86Insn *d, const uint8_t *buf, unsigned avail) {
  /* up to 15 bytes; a shorter window is fine as long as the instruction fits in it */
  if (avail > 15) avail = 15;
  if (avail == 0) { c->fault_addr = c->rip; return EXC_PF; }
  bool code32 = c->code32;
  unsigned i = 0;
#define NEXT() (i < avail ? buf[i++] : (i++, 0))
  memset(d, 0, sizeof *d);
  d->base = d->index = X86_EA_ZERO;
  bool rip_rel = false;
  d->asize = 8;
  /* legacy prefixes, then at most one REX directly before the opcode */
  if (X86_UNLIKELY(!tabs_ready)) tabs_build();
  for (;;) {
    if (i >= 15) return EXC_GP;
    if (i >= avail) goto fetch_fault;
    switch (prefix_tab[buf[i]]) {
    case P_NONE: goto prefixes_done;
    case P_66: d->opsize_prefix = true; break;
    case P_67: if (code32) return EXC_UD; /* 16-bit addressing */ d->asize = 4; break;
    case P_F0: d->lock = true; break;
    case P_F2: d->rep = REP_F2; break;
    case P_F3: d->rep = REP_F3; break;
    case P_FS: d->seg = SEG_FS; break;
    case P_GS: d->seg = SEG_GS; break;
    default: break; /* null segments in 64-bit mode */
    }
    i++;
  }
prefixes_done:
  if (code32) d->asize = 4;
  else if (i < avail && (buf[i] & 0xf0) == 0x40) { d->has_rex = true; d->rex = buf[i++]; }
  if (i >= avail) goto fetch_fault;
  uint8_t op = NEXT();
  uint8_t info;
  if (op == 0x0f) {
    op = NEXT();
    d->op = 0x100 | op;
    info = info_tab[2][op];
  } else {
    d->op = op;
    info = info_tab[code32][op];
  }
  if (info & INVALID) return EXC_UD;
  d->osize = (d->rex & 8) ? 8 : d->opsize_prefix ? 2 : 4;
  d->ssize = code32 ? (d->opsize_prefix ? 2 : 4) : d->opsize_prefix && !(d->rex & 8) ? 2 : 8;
  if (info & HAS_MODRM) {
    uint8_t modrm = NEXT();
    d->has_modrm = true;
    d->mod = modrm >> 6;
    d->reg = ((modrm >> 3) & 7) | ((d->rex & 4) << 1);
    d->rm = (modrm & 7) | ((d->rex & 1) << 3);
    if (d->mod != 3) {
      int rm = modrm & 7;
      if (rm == 4) {
        uint8_t sib = NEXT();
        d->scale = sib >> 6;
        int idx = ((sib >> 3) & 7) | ((d->rex & 2) << 2);
        if (idx != 4) d->index = (uint8_t)idx;
        int base = sib & 7;
        if (base == 5 && d->mod == 0) {
          uint32_t v = NEXT(); v |= NEXT() << 8; v |= NEXT() << 16; v |= (uint32_t)NEXT() << 24;
          d->disp = (int32_t)v;
        } else {
          d->base = (uint8_t)(base | ((d->rex & 1) << 3));
        }
      } else if (rm == 5 && d->mod == 0) {
        rip_rel = !code32; /* 32-bit mode: an absolute disp32 */
        uint32_t v = NEXT(); v |= NEXT() << 8; v |= NEXT() << 16; v |= (uint32_t)NEXT() << 24;
        d->disp = (int32_t)v;
      } else {
        d->base = d->rm;
      }
      if (d->mod == 1) d->disp = (int8_t)NEXT();
      else if (d->mod == 2) {
        uint32_t v = NEXT(); v |= NEXT() << 8; v |= NEXT() << 16; v |= (uint32_t)NEXT() << 24;
        d->disp = (int32_t)v;
      }
    }
  }
  int imm = info & 0xf;
  if ((op == 0xf6 || op == 0xf7) && d->op < 0x100 && ((d->reg & 7) < 2)) imm = op == 0xf6 ? IMM_B : IMM_Z;
  uint64_t v = 0;
  switch (imm) {
  case IMM_B: v = (uint64_t)(int8_t)NEXT(); break;
  case IMM_W: v = NEXT(); v |= NEXT() << 8; break;
  case IMM_Z:
    if (d->osize == 2 && d->op != 0xe8 && d->op != 0xe9 && (d->op & 0x1f0) != 0x180) {
      v = NEXT(); v |= NEXT() << 8;
      v = (uint64_t)(int16_t)v;
    } else {
      uint32_t t = NEXT(); t |= NEXT() << 8; t |= NEXT() << 16; t |= (uint32_t)NEXT() << 24;
      v = (uint64_t)(int64_t)(int32_t)t;
    }
    break;
  case IMM_V:
    if (d->osize == 8) {
      for (int k = 0; k < 8; k++) v |= (uint64_t)NEXT() << (8 * k);
    } else {
      for (int k = 0; k < d->osize; k++) v |= (uint64_t)NEXT() << (8 * k);
    }
    break;
  case IMM_MOFFS:
    for (int k = 0; k < d->asize; k++) v |= (uint64_t)NEXT() << (8 * k);
    break;
  case IMM_ENTER:
    v = NEXT(); v |= NEXT() << 8;
    d->imm2 = NEXT();
    break;
  case IMM_FAR: /* ptr16:32 (ptr16:16 with 66) */
    for (int k = 0; k < d->osize; k++) v |= (uint64_t)NEXT() << (8 * k);
    d->imm2 = NEXT(); d->imm2 |= NEXT() << 8;
    break;
  }
  d->imm = v;
#undef NEXT
  if (i > 15) return EXC_GP;
  if (i > avail) goto fetch_fault;
  d->len = (uint8_t)i;
  if (rip_rel) { /* the next instruction's rip + disp = rip (ea_reg's X86_EA_RIP) + (disp + len) */
    int64_t dl = (int64_t)d->disp + d->len;
    d->base = X86_EA_RIP;
    if (dl > INT32_MAX) { dl -= 16; d->index = X86_EA_ONE; d->scale = 4; } /* the 16 back as 1 << 4 */
    d->disp = (int32_t)dl;
  }
  /* the accumulator forms (ADD..CMP AL/eAX, imm: 04 05 .. 3C 3D; TEST A8 A9) become their ModR/M
   * twins with AL/eAX as a register r/m (80 81 /alu, F6 F7 /0), the same operation on the same
   * immediate: they take the short paths and the fused compares below (ADR 0058) */
  if ((d->op < 0x40 && (d->op & 6) == 4) || d->op == 0xa8 || d->op == 0xa9) {
    d->reg = d->op >= 0xa8 ? 0 : (uint8_t)((d->op >> 3) & 7);
    d->op = (uint16_t)((d->op >= 0xa8 ? 0xf6 : 0x80) | (d->op & 1));
    d->mod = 3;
    d->rm = 0;
    d->has_modrm = true;
  }
  /* the hot forms with 32/64-bit operands, for the run loop's short paths */
  if (d->osize >= 4) {
    uint16_t o = d->op;
    if (o < 0x40 && (o & 7) <= 3 && (o & 1) && d->mod == 3) d->kind = X86K_ALU_RR;
    else if (o == 0x89 || o == 0x8b) d->kind = d->mod == 3 ? X86K_MOV_RR : o == 0x8b ? X86K_MOV_LOAD : X86K_MOV_STORE;
    else if (o == 0x8d && d->mod != 3) d->kind = X86K_LEA;
    else if (o == 0xc1 && d->mod == 3) d->kind = X86K_SHIFT_RI;
    else if (o < 0x40 && ((o & 7) == 1 || (o & 7) == 3)) d->kind = (o & 2) ? X86K_ALU_RM : X86K_ALU_MR;
    else if (o == 0x81 || o == 0x83) d->kind = d->mod == 3 ? X86K_ALU_RI : X86K_ALU_MI;
    else if (o == 0x85 && d->mod == 3) d->kind = X86K_TEST_RR;
    else if (o >= 0xb8 && o <= 0xbf) { d->kind = X86K_MOV_RI; d->rm = (o & 7) | ((d->rex & 1) << 3); }
    else if (o == 0xc7 && d->mod == 3 && (d->reg & 7) == 0) { /* MOV r, imm32: sign-extended to 64, zero-extended from 32 */
      d->kind = X86K_MOV_RI;
      if (d->osize == 4) d->imm = (uint32_t)d->imm;
    }
    else if (o >= 0x140 && o <= 0x14f) d->kind = X86K_CMOV;
    if ((d->kind == X86K_ALU_RR || d->kind == X86K_MOV_RR) && (o & 2)) {
      /* reg op= r/m (03 0B .. 3B, 8B) of two registers as its twin r/m op= reg (01 .. 39, 89):
       * the short paths read the destination from rm and the source from reg, with no select */
      uint8_t t = d->reg; d->reg = d->rm; d->rm = t;
      d->op = (uint16_t)(o & ~2);
    }
  }
  if (d->ssize == 8) { /* 64-bit stack operands */
    uint16_t o = d->op;
    if (o >= 0x50 && o <= 0x5f) { d->kind = o < 0x58 ? X86K_PUSH_R : X86K_POP_R; d->rm = (o & 7) | ((d->rex & 1) << 3); }
    else if (o == 0xe8) d->kind = X86K_CALL;
    else if (o == 0xc3) d->kind = X86K_RET;
    else if (o == 0xff && ((d->reg & 7) == 2 || (d->reg & 7) == 4)) d->kind = X86K_JMP_IND;
  }
  if (d->kind == X86K_GENERIC) { /* ADR 0039: byte and 16-bit forms, the next commonest general paths */
    uint16_t o = d->op;
    int r = d->reg & 7;
    if ((o < 0x40 && ((o & 7) == 0 || (o & 7) == 2)) || o == 0x80) d->kind = X86K_ALU8;
    else if (o == 0x88 || o == 0x8a) d->kind = X86K_MOV8;
    else if (o == 0x84 || o == 0x85 || ((o == 0xf6 || o == 0xf7) && r < 2)) d->kind = X86K_TEST;
    else if ((o == 0xc6 || o == 0xc7) && r == 0 && d->mod != 3) d->kind = X86K_MOV_MI;
    else if ((o == 0xfe || o == 0xff) && r < 2) d->kind = X86K_INCDEC;
    else if (o == 0xeb || o == 0xe9) d->kind = X86K_JMP;
    else if (d->osize >= 4 && (o == 0x1b6 || o == 0x1b7 || o == 0x1be || o == 0x1bf)) d->kind = X86K_MOVX;
    else if (o == 0x63 && d->osize == 8) d->kind = X86K_MOVSXD;
    else if (o >= 0x190 && o <= 0x19f) d->kind = X86K_SETCC;
    else if (o == 0x90 && !(d->rex & 1) && d->rep == REP_NONE) d->kind = X86K_NOP; /* not XCHG r8, rAX or PAUSE */
    else if (o == 0x10d || (o >= 0x118 && o <= 0x11f)) d->kind = X86K_NOP; /* PREFETCH*, hint NOPs, ENDBR64 */
    /* the 16-byte moves: no F2/F3 (MOVSS/MOVSD) for 0F 10/11 and 0F 28/29, 66 or F3 for 0F 6F/7F */
    else if (((o == 0x110 || o == 0x111 || o == 0x128 || o == 0x129) && d->rep == REP_NONE) ||
             ((o == 0x16f || o == 0x17f) && (d->rep == REP_F3 || (d->rep == REP_NONE && d->opsize_prefix))))
      d->kind = o == 0x111 || o == 0x129 || o == 0x17f ? X86K_XMM_STORE : X86K_XMM_LOAD;
  }
  if (d->has_modrm && d->mod != 3) {
    /* an FS or GS memory operand with no index register reads the base as its index (x86_ea
     * then adds no segment; LEA, which ignores segments, keeps its prefix unused) */
    if (d->seg != SEG_NONE && d->asize == 8 && d->index == X86_EA_ZERO && d->op != 0x8d) {
      d->index = d->seg == SEG_FS ? X86_EA_FS : X86_EA_GS;
      d->scale = 0;
      d->seg = SEG_NONE;
    }
    /* 32-bit addressing (a 67 prefix, or 32-bit code) and the segment operands left take the
     * general paths: the short ones test for neither at every memory operand (x86_ea64) */
    if (d->asize == 4 || d->seg != SEG_NONE) d->kind = X86K_GENERIC;
  }
  if ((d->op >= 0x70 && d->op <= 0x7f) || (d->op >= 0x180 && d->op <= 0x18f)) d->kind = X86K_JCC;
  return 0;
fetch_fault:
  c->fault_addr = c->rip + avail;
  return EXC_PF;
}
