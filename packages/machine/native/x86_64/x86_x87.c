/* x86-64 CPU: the x87 FPU (SDM vol. 1 ch. 8; opcode map vol. 2 A.4): the register stack (TOP,
 * tags, 80-bit registers), loads, stores, integer conversions, the basic arithmetic, compares,
 * FCMOVcc, FBLD/FBSTP, and the control state (FNSTCW FLDCW FNSTSW FNINIT FNCLEX FNSTENV FLDENV
 * FNSAVE FRSTOR).
 * Exceptions always behave as masked (the default control word): flags are set, never #MF.
 * FPREM/FPREM1/FXTRACT are exact; the transcendentals compute in x86_f80_trans.c (ADR 0034);
 * see ADR 0019. */
#include "x86.h"
#include "x86_ops.h"
#include "x86_x87.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)
#define FCW_DEFAULT 0x037f
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ (D9 E8..EE), rounded to nearest; RC picks the
 * neighbour below (L2E PI LG2 LN2 round up to nearest) or above (L2T) (SDM vol. 1 8.3.8) */
static const F80 CONSTS[7] = {
  {0x8000000000000000ULL, 0x3fff}, {0xd49a784bcd1b8afeULL, 0x4000}, {0xb8aa3b295c17f0bcULL, 0x3fff},
  {0xc90fdaa22168c235ULL, 0x4000}, {0x9a209a84fbcff799ULL, 0x3ffd}, {0xb17217f7d1cf79acULL, 0x3ffe},
  {0, 0},
};

static int top(const X86Cpu *c) { return (c->fsw >> 11) & 7; }
static void set_top(X86Cpu *c, int t) { c->fsw = (uint16_t)((c->fsw & ~0x3800) | ((t & 7) << 11)); }

/* ST(i); an empty register is a stack underflow (IE|SF) that reads as the indefinite NaN */
static F80 st(X86Cpu *c, F80Ctx *x, int i) {
  int p = (top(c) + i) & 7;
  if (!((c->ftw >> p) & 1)) { x->flags |= FSW_IE | FSW_SF; return F80_INDEFINITE; }
  return c->fpr[p];
}
static void st_set(X86Cpu *c, int i, F80 v) {
  int p = (top(c) + i) & 7;
  c->fpr[p] = v;
  c->ftw |= (uint8_t)(1 << p);
}
static void push(X86Cpu *c, F80Ctx *x, F80 v) {
  int t = (top(c) - 1) & 7;
  if ((c->ftw >> t) & 1) { x->flags |= FSW_IE | FSW_SF | FSW_C1; v = F80_INDEFINITE; }
  set_top(c, t);
  st_set(c, 0, v);
}
static void pop(X86Cpu *c) {
  c->ftw &= (uint8_t)~(1 << top(c));
  set_top(c, top(c) + 1);
}

static F80Ctx ctx(const X86Cpu *c) {
  static const int pc_bits[4] = {24, 64, 53, 64};
  return (F80Ctx){(c->fcw >> 10) & 3, pc_bits[(c->fcw >> 8) & 3], 0};
}
/* the instruction's flags into the status word: exceptions are sticky, C1 is per instruction */
static int done(X86Cpu *c, const F80Ctx *x) {
  c->fsw = (uint16_t)((c->fsw & ~FSW_C1) | x->flags);
  return 0;
}

/* D8/DC reg field: FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR of a and b */
static F80 arith(F80Ctx *x, int op, F80 a, F80 b) {
  switch (op) {
  case 0: return f80_add(x, a, b, 0);
  case 1: return f80_mul(x, a, b);
  case 4: return f80_add(x, a, b, 1);
  case 5: return f80_add(x, b, a, 1);
  case 6: return f80_div(x, a, b);
  default: return f80_div(x, b, a);
  }
}

/* FCOM/FUCOM/FTST condition codes; FCOMI/FUCOMI's ZF PF CF are the same pattern */
static void compare_cc(X86Cpu *c, F80Ctx *x, int r) {
  uint16_t cc = r == 2 ? FSW_C3 | FSW_C2 | FSW_C0 : r < 0 ? FSW_C0 : r == 0 ? FSW_C3 : 0;
  c->fsw = (uint16_t)((c->fsw & ~FSW_CC) | cc);
  x->flags &= (uint16_t)~FSW_C1;
}
static void compare_flags(X86Cpu *c, int r) {
  uint64_t f = r == 2 ? FLAG_ZF | FLAG_PF | FLAG_CF : r < 0 ? FLAG_CF : r == 0 ? FLAG_ZF : 0;
  c->rflags = (c->rflags & ~(uint64_t)FLAGS_ARITH) | f;
  c->cc_op = CC_NONE;
}

/* FXAM's class of ST(0) in C3 C2 C0, its sign in C1 (SDM vol. 2 FXAM) */
static void examine(X86Cpu *c) {
  int p = top(c);
  F80 a = c->fpr[p];
  int e = a.se & 0x7fff;
  uint16_t cc;
  if (!((c->ftw >> p) & 1)) cc = FSW_C3 | FSW_C0;
  else if (e == 0x7fff) cc = (a.m << 1) ? FSW_C0 : FSW_C2 | FSW_C0;
  else if (e == 0) cc = a.m ? FSW_C3 | FSW_C2 : FSW_C3;
  else cc = (a.m >> 63) ? FSW_C2 : 0;
  if (a.se >> 15) cc |= FSW_C1;
  c->fsw = (uint16_t)((c->fsw & ~FSW_CC) | cc);
}

static int load_operand(X86Cpu *c, F80Ctx *x, uint64_t ea, int op, F80 *v) {
  uint64_t u;
  switch (op) {
  case 0xd8: CHK(x86_load(c, ea, 4, &u)); *v = f80_from_f32(x, (uint32_t)u); break;
  case 0xdc: CHK(x86_load(c, ea, 8, &u)); *v = f80_from_f64(x, u); break;
  case 0xda: CHK(x86_load(c, ea, 4, &u)); *v = f80_from_int((int32_t)u); break;
  default: CHK(x86_load(c, ea, 2, &u)); *v = f80_from_int((int16_t)u); break;
  }
  return 0;
}

int x86_f80_load(X86Cpu *c, uint64_t ea, F80 *v) {
  uint8_t b[10];
  CHK(x86_load_bytes(c, ea, b, 10));
  memcpy(&v->m, b, 8);
  v->se = (uint16_t)(b[8] | b[9] << 8);
  return 0;
}
int x86_f80_store(X86Cpu *c, uint64_t ea, F80 v) {
  uint8_t b[10];
  memcpy(b, &v.m, 8);
  b[8] = (uint8_t)v.se; b[9] = (uint8_t)(v.se >> 8);
  return x86_store_bytes(c, ea, b, 10);
}

static int mem_op(X86Cpu *c, const X86Insn *d) {
  int op = d->op, reg = d->reg & 7;
  uint64_t ea = x86_ea(c, d), u;
  F80Ctx x = ctx(c);
  F80 v;
  switch (op) {
  case 0xd8: case 0xdc: case 0xda: case 0xde: /* arithmetic and compares with a memory operand */
    CHK(load_operand(c, &x, ea, op, &v));
    if (reg == 2 || reg == 3) {
      compare_cc(c, &x, f80_compare(&x, st(c, &x, 0), v, 0));
      if (reg == 3) pop(c);
    } else {
      F80 a = st(c, &x, 0);
      st_set(c, 0, arith(&x, reg, a, v));
    }
    return done(c, &x);
  case 0xd9:
    switch (reg) {
    case 0: CHK(x86_load(c, ea, 4, &u)); push(c, &x, f80_from_f32(&x, (uint32_t)u)); return done(c, &x);
    case 2: case 3:
      CHK(x86_store(c, ea, 4, f80_to_f32(&x, st(c, &x, 0))));
      if (reg == 3) pop(c);
      return done(c, &x);
    default: return x86_x87_control(c, d, ea);
    }
  case 0xdd:
    switch (reg) {
    case 0: CHK(x86_load(c, ea, 8, &u)); push(c, &x, f80_from_f64(&x, u)); return done(c, &x);
    case 1: CHK(x86_store(c, ea, 8, f80_to_int(&x, st(c, &x, 0), 8, 3))); pop(c); return done(c, &x);
    case 2: case 3:
      CHK(x86_store(c, ea, 8, f80_to_f64(&x, st(c, &x, 0))));
      if (reg == 3) pop(c);
      return done(c, &x);
    default: return x86_x87_control(c, d, ea);
    }
  case 0xdb: case 0xdf: {
    int size = op == 0xdb ? 4 : reg >= 5 ? 8 : 2;
    switch (reg) {
    case 0: case 5:
      if (op == 0xdb && reg == 5) { CHK(x86_f80_load(c, ea, &v)); push(c, &x, v); return done(c, &x); }
      CHK(x86_load(c, ea, size, &u));
      push(c, &x, f80_from_int((int64_t)x86_sext(u, size)));
      return done(c, &x);
    case 1: case 2: case 3: case 7:
      if (op == 0xdb && reg == 7) { CHK(x86_f80_store(c, ea, st(c, &x, 0))); pop(c); return done(c, &x); }
      CHK(x86_store(c, ea, size, f80_to_int(&x, st(c, &x, 0), size, reg == 1 ? 3 : x.rc)));
      if (reg != 2) pop(c);
      return done(c, &x);
    case 4: { /* FBLD: 18 packed BCD digits, sign in bit 7 of byte 9 */
      if (op != 0xdf) return EXC_UD;
      uint8_t b[10];
      CHK(x86_load_bytes(c, ea, b, 10));
      int64_t n = 0;
      for (int i = 8; i >= 0; i--) n = n * 100 + (b[i] >> 4) * 10 + (b[i] & 15);
      v = (b[9] & 0x80) ? (n ? f80_from_int(-n) : (F80){0, 0x8000}) : f80_from_int(n);
      push(c, &x, v);
      return done(c, &x);
    }
    case 6: { /* FBSTP: rounded by RC; out of 18 digits = IE and the BCD indefinite */
      if (op != 0xdf) return EXC_UD;
      uint8_t b[10] = {0};
      v = st(c, &x, 0);
      uint64_t n = f80_to_int(&x, v, 8, x.rc);
      int neg = v.se >> 15;
      uint64_t mag = (x.flags & FSW_IE) ? ~0ULL : neg ? -n : n;
      if (mag > 999999999999999999ULL) {
        x.flags = (uint16_t)((x.flags & ~(FSW_PE | FSW_C1)) | FSW_IE);
        b[7] = 0xc0; b[8] = 0xff; b[9] = 0xff;
      } else {
        for (int i = 0; i < 9; i++) { b[i] = (uint8_t)(mag % 10 | (mag / 10 % 10) << 4); mag /= 100; }
        b[9] = neg ? 0x80 : 0;
      }
      CHK(x86_store_bytes(c, ea, b, 10));
      pop(c);
      return done(c, &x);
    }
    default: return EXC_UD;
    }
  }
  default: return EXC_UD;
  }
}

/* FPTAN FSINCOS FSIN FCOS (D9 F2 FB FE FF): C2 = operand out of range (|x| >= 2^63, left as it
 * was). FPTAN pushes 1.0 (a NaN operand's NaN instead), FSINCOS pushes the cosine; on a full
 * stack both registers become the indefinite (stack overflow, as the CPU does). */
static int trig(X86Cpu *c, int op) {
  F80Ctx x = ctx(c);
  F80 a = st(c, &x, 0), r, pushed;
  int pushes = op == 062 || op == 073;
  if (pushes && ((c->ftw >> ((top(c) - 1) & 7)) & 1)) {
    x.flags |= FSW_IE | FSW_SF | FSW_C1;
    st_set(c, 0, F80_INDEFINITE);
    set_top(c, top(c) - 1);
    st_set(c, 0, F80_INDEFINITE);
    c->fsw &= (uint16_t)~FSW_C2;
    return done(c, &x);
  }
  int out = op == 062 ? f80_trig(&x, a, 0, 0, &r) : op == 073 ? f80_trig(&x, a, &r, &pushed, 0)
          : op == 076 ? f80_trig(&x, a, &r, 0, 0) : f80_trig(&x, a, 0, &r, 0);
  c->fsw = (uint16_t)((c->fsw & ~FSW_C2) | (out ? FSW_C2 : 0));
  if (!out) {
    if (op == 062) pushed = f80_is_nan(r) ? r : (F80){1ULL << 63, 0x3fff};
    st_set(c, 0, r);
    if (pushes) push(c, &x, pushed);
  }
  return done(c, &x);
}

static int d9_reg(X86Cpu *c, int reg, int i) {
  F80Ctx x = ctx(c);
  F80 a;
  switch (reg) {
  case 0: a = st(c, &x, i); push(c, &x, a); return done(c, &x); /* FLD ST(i) */
  case 1: a = st(c, &x, 0); { F80 b = st(c, &x, i); st_set(c, 0, b); st_set(c, i, a); } return done(c, &x); /* FXCH */
  case 2: return i == 0 ? 0 : EXC_UD; /* FNOP */
  case 5: /* FLD1 .. FLDZ */
    if (i == 7) return EXC_UD;
    a = CONSTS[i];
    if (i == 1 && x.rc == 2) a.m++;
    else if (i >= 2 && i <= 5 && (x.rc == 1 || x.rc == 3)) a.m--;
    push(c, &x, a);
    return done(c, &x);
  default: break;
  }
  int op = reg << 3 | i;
  switch (op) {
  case 040: a = st(c, &x, 0); a.se ^= 0x8000; st_set(c, 0, a); break; /* FCHS */
  case 041: a = st(c, &x, 0); a.se &= 0x7fff; st_set(c, 0, a); break; /* FABS */
  case 044: compare_cc(c, &x, f80_compare(&x, st(c, &x, 0), f80_from_int(0), 0)); break; /* FTST */
  case 045: examine(c); return 0; /* FXAM */
  case 066: set_top(c, top(c) - 1); break; /* FDECSTP */
  case 067: set_top(c, top(c) + 1); break; /* FINCSTP */
  case 072: a = st(c, &x, 0); st_set(c, 0, f80_sqrt(&x, a)); break; /* FSQRT */
  case 074: a = st(c, &x, 0); st_set(c, 0, f80_round_int(&x, a)); break; /* FRNDINT */
  case 075: a = st(c, &x, 0); st_set(c, 0, f80_scale(&x, a, st(c, &x, 1))); break; /* FSCALE */
  case 064: { /* FXTRACT */
    F80 e, sig;
    a = st(c, &x, 0);
    f80_extract(&x, a, &e, &sig);
    st_set(c, 0, e);
    push(c, &x, sig);
    break;
  }
  case 065: case 070: { /* FPREM1 FPREM: C2 = partial, else C0 C3 C1 = quotient bits 2 1 0 */
    unsigned q;
    int partial;
    a = st(c, &x, 0);
    st_set(c, 0, f80_rem(&x, a, st(c, &x, 1), op == 065, &q, &partial));
    uint16_t cc = partial ? FSW_C2 : (uint16_t)((q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) | (q & 1 ? FSW_C1 : 0));
    c->fsw = (uint16_t)((c->fsw & ~FSW_CC) | (cc & ~FSW_C1));
    x.flags = (uint16_t)((x.flags & ~FSW_C1) | (cc & FSW_C1));
    break;
  }
  case 060: a = st(c, &x, 0); st_set(c, 0, f80_2xm1(&x, a)); break; /* F2XM1 */
  case 061: case 071: case 063: { /* FYL2X FYL2XP1 FPATAN: ST(1) op ST(0), pop */
    a = st(c, &x, 0);
    F80 b = st(c, &x, 1);
    st_set(c, 1, op == 061 ? f80_yl2x(&x, a, b) : op == 071 ? f80_yl2xp1(&x, a, b) : f80_atan2(&x, b, a));
    pop(c);
    break;
  }
  case 062: case 073: case 076: case 077: return trig(c, op);
  default: return EXC_UD;
  }
  return done(c, &x);
}

static int reg_op(X86Cpu *c, const X86Insn *d) {
  int op = d->op, reg = d->reg & 7, i = d->rm & 7;
  F80Ctx x = ctx(c);
  if (op == 0xd9) return d9_reg(c, reg, i);
  if ((op == 0xda || op == 0xdb) && reg < 4) { /* FCMOVcc: B E BE U, and their negations in DB */
    static const int cc[4] = {2, 4, 6, 10};
    if (x86_cond(c, cc[reg] | (op == 0xdb))) { F80 v = st(c, &x, i); st_set(c, 0, v); }
    return done(c, &x);
  }
  if ((op == 0xdb || op == 0xdf) && (reg == 5 || reg == 6)) { /* FUCOMI FCOMI, FUCOMIP FCOMIP */
    compare_flags(c, f80_compare(&x, st(c, &x, 0), st(c, &x, i), reg == 5));
    if (op == 0xdf) pop(c);
    x.flags &= (uint16_t)~FSW_C1;
    return done(c, &x);
  }
  if ((op == 0xda && reg == 5 && i == 1) || (op == 0xde && reg == 3 && i == 1)) { /* FUCOMPP FCOMPP */
    compare_cc(c, &x, f80_compare(&x, st(c, &x, 0), st(c, &x, 1), op == 0xda));
    pop(c); pop(c);
    return done(c, &x);
  }
  if (op == 0xd8 || op == 0xdc || op == 0xde) {
    if (reg == 2 || reg == 3) { /* FCOM FCOMP ST(i) (and their DC/DE aliases) */
      if (op == 0xde && reg == 3) return EXC_UD;
      compare_cc(c, &x, f80_compare(&x, st(c, &x, 0), st(c, &x, i), 0));
      if (reg == 3 || op == 0xde) pop(c);
      return done(c, &x);
    }
    F80 a = st(c, &x, 0), b = st(c, &x, i);
    if (op == 0xd8) st_set(c, 0, arith(&x, reg, a, b));
    else { /* DC, DE: ST(i) is the destination, FSUB/FSUBR and FDIV/FDIVR swap encodings */
      st_set(c, i, arith(&x, reg >= 4 ? reg ^ 1 : reg, b, a));
      if (op == 0xde) pop(c);
    }
    return done(c, &x);
  }
  if (op == 0xdd) {
    switch (reg) {
    case 0: c->ftw &= (uint8_t)~(1 << ((top(c) + i) & 7)); return 0; /* FFREE */
    case 2: case 3: { F80 v = st(c, &x, 0); st_set(c, i, v); } /* FST FSTP ST(i) */
      if (reg == 3) pop(c);
      return done(c, &x);
    case 4: case 5: /* FUCOM FUCOMP */
      compare_cc(c, &x, f80_compare(&x, st(c, &x, 0), st(c, &x, i), 1));
      if (reg == 5) pop(c);
      return done(c, &x);
    default: return EXC_UD;
    }
  }
  if (op == 0xdf && reg == 4 && i == 0) { c->r[R_RAX] = (c->r[R_RAX] & ~0xffffULL) | c->fsw; return 0; } /* FNSTSW AX */
  if (op == 0xdb && reg == 4 && i == 2) { c->fsw &= 0x7f00; return 0; } /* FNCLEX */
  if (op == 0xdb && reg == 4 && i == 3) { /* FNINIT */
    c->fcw = FCW_DEFAULT; c->fsw = 0; c->ftw = 0;
    return 0;
  }
  return EXC_UD;
}

int x86_x87(X86Cpu *c, const X86Insn *d) {
  return d->mod == 3 ? reg_op(c, d) : mem_op(c, d);
}
