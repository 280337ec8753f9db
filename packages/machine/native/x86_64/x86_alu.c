/* x86-64 CPU: integer arithmetic with exact RFLAGS (SDM vol. 1 3.4.3.1, vol. 2 instruction pages:
 * ADD..CMP, INC/DEC, shifts and rotates, SHLD/SHRD, MUL/IMUL/DIV/IDIV). Flags the SDM leaves
 * undefined are set as qemu-x86_64 sets them, the reference the instruction tests compare with. */
#include "x86.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static inline uint64_t parity_flag(uint64_t res) {
  return (__builtin_parity((unsigned)(res & 0xff)) ? 0 : FLAG_PF);
}

/* ZF, SF, PF from a result; the other arithmetic flags come from the caller */
static inline uint64_t szp(int size, uint64_t res) {
  res &= x86_mask(size);
  return (res ? 0 : FLAG_ZF) | (x86_msb(res, size) ? FLAG_SF : 0) | parity_flag(res);
}

static inline void set_arith(X86Cpu *c, uint64_t f) {
  c->rflags = (c->rflags & ~(uint64_t)FLAGS_ARITH) | f;
  c->cc_op = CC_NONE;
}

void x86_set_logic_flags(X86Cpu *c, int size, uint64_t res) { set_arith(c, szp(size, res)); }

/* SHL/SHR/SAR: t is the operand shifted by count - 1, so CF is the last bit out and OF compares
 * the top bits of t and the result, for every count (qemu's CC_OP_SHL/CC_OP_SAR) */
static uint64_t shift_flags(int size, uint64_t t, uint64_t res, bool left) {
  uint64_t cf = left ? x86_msb(t, size) : (t & 1);
  return szp(size, res) | (cf ? FLAG_CF : 0) | (x86_msb(t ^ res, size) ? FLAG_OF : 0);
}

static uint64_t add_flags(int size, uint64_t a, uint64_t b, uint64_t ci, uint64_t res) {
  bool cf = size == 8 ? (res < a || (ci && res == a)) : ((a + b + ci) >> (size * 8)) != 0;
  return szp(size, res) | (cf ? FLAG_CF : 0) | ((a ^ b ^ res) & FLAG_AF) |
         (x86_msb((a ^ res) & (b ^ res), size) ? FLAG_OF : 0);
}

static uint64_t sub_flags(int size, uint64_t a, uint64_t b, uint64_t bi, uint64_t res) {
  bool cf = a < b || (bi && a == b);
  return szp(size, res) | (cf ? FLAG_CF : 0) | ((a ^ b ^ res) & FLAG_AF) |
         (x86_msb((a ^ b) & (a ^ res), size) ? FLAG_OF : 0);
}

void x86_flags_compute(X86Cpu *c) {
  int size = c->cc_size;
  uint64_t f;
  switch (c->cc_op) {
  case CC_ADD: f = add_flags(size, c->cc_a, c->cc_b, 0, c->cc_res); break;
  case CC_SUB: f = sub_flags(size, c->cc_a, c->cc_b, 0, c->cc_res); break;
  case CC_SHL: case CC_SHR: f = shift_flags(size, c->cc_a, c->cc_res, c->cc_op == CC_SHL); break;
  case CC_INC: f = (add_flags(size, c->cc_a, 1, 0, c->cc_res) & ~(uint64_t)FLAG_CF) | (c->cc_b ? FLAG_CF : 0); break;
  case CC_DEC: f = (sub_flags(size, c->cc_a, 1, 0, c->cc_res) & ~(uint64_t)FLAG_CF) | (c->cc_b ? FLAG_CF : 0); break;
  default: f = szp(size, c->cc_res); break;
  }
  set_arith(c, f);
}

static inline uint64_t lazy(X86Cpu *c, int op, int size, uint64_t a, uint64_t b, uint64_t res) {
  c->cc_op = (uint8_t)op; c->cc_size = (uint8_t)size;
  c->cc_a = a; c->cc_b = b; c->cc_res = res;
  return res;
}

uint64_t x86_alu(X86Cpu *c, int op, int size, uint64_t a, uint64_t b) {
  uint64_t m = x86_mask(size), res, f;
  a &= m; b &= m;
  switch (op) { /* the common cases leave their flags for later */
  case ALU_ADD: return lazy(c, CC_ADD, size, a, b, (a + b) & m);
  case ALU_SUB: case ALU_CMP: return lazy(c, CC_SUB, size, a, b, (a - b) & m);
  case ALU_OR: return lazy(c, CC_LOGIC, size, 0, 0, a | b);
  case ALU_AND: return lazy(c, CC_LOGIC, size, 0, 0, a & b);
  case ALU_XOR: return lazy(c, CC_LOGIC, size, 0, 0, a ^ b);
  }
  x86_flags_sync(c);
  uint64_t carry = c->rflags & FLAG_CF;
  switch (op) {
  case ALU_ADD: case ALU_ADC: {
    uint64_t ci = op == ALU_ADC ? carry : 0;
    res = (a + b + ci) & m;
    f = add_flags(size, a, b, ci, res);
    break;
  }
  case ALU_SUB: case ALU_SBB: case ALU_CMP: {
    uint64_t bi = op == ALU_SBB ? carry : 0;
    res = (a - b - bi) & m;
    f = sub_flags(size, a, b, bi, res);
    break;
  }
  case ALU_OR: res = a | b; f = szp(size, res); break;
  case ALU_AND: res = a & b; f = szp(size, res); break;
  default: res = a ^ b; f = szp(size, res); break;
  }
  set_arith(c, f);
  return res;
}

/* INC/DEC: CF is kept, so it is taken from the lazy state first (cheap for the common cases);
 * the other flags are left for later like ADD/SUB's (ADR 0039) */
uint64_t x86_incdec(X86Cpu *c, int size, uint64_t a, bool dec) {
  uint64_t m = x86_mask(size), cf;
  switch (c->cc_op) {
  case CC_ADD: cf = c->cc_res < c->cc_a; break; /* operands masked: a carry wrapped the sum */
  case CC_SUB: cf = c->cc_a < c->cc_b; break;
  case CC_LOGIC: cf = 0; break;
  case CC_INC: case CC_DEC: cf = c->cc_b; break;
  default: x86_flags_sync(c); cf = (c->rflags & FLAG_CF) != 0; break;
  }
  a &= m;
  return lazy(c, dec ? CC_DEC : CC_INC, size, a, cf, (dec ? a - 1 : a + 1) & m);
}

uint64_t x86_shift(X86Cpu *c, int op, int size, uint64_t a, unsigned count) {
  int bits = size * 8;
  uint64_t m = x86_mask(size);
  a &= m;
  count &= size == 8 ? 63 : 31;
  if (count == 0) return a;
  uint64_t res, t;
  switch (op) {
  case SH_SHL: case SH_SAL:
    t = a << (count - 1);
    res = (t << 1) & m;
    return lazy(c, CC_SHL, size, t, 0, res);
  case SH_SHR:
    t = a >> (count - 1);
    res = (t >> 1) & m;
    return lazy(c, CC_SHR, size, t, 0, res);
  case SH_SAR: {
    int64_t s = (int64_t)x86_sext(a, size);
    t = (uint64_t)(s >> (count - 1));
    res = (uint64_t)((int64_t)t >> 1) & m;
    return lazy(c, CC_SHR, size, t, 0, res);
  }
  case SH_ROL: case SH_ROR: {
    x86_flags_sync(c); /* only CF and OF change */
    unsigned n = count & (bits - 1);
    if (op == SH_ROL) res = n ? ((a << n) | (a >> (bits - n))) & m : a;
    else res = n ? ((a >> n) | (a << (bits - n))) & m : a;
    uint64_t cf, of;
    if (op == SH_ROL) { cf = res & 1; of = x86_msb(res, size) ^ cf; }
    else { cf = x86_msb(res, size); of = cf ^ ((res >> (bits - 2)) & 1); }
    c->rflags = (c->rflags & ~(uint64_t)(FLAG_CF | FLAG_OF)) | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0);
    return res;
  }
  default: { /* RCL/RCR rotate through CF: a (bits + 1)-bit rotation */
    unsigned n = size == 1 ? count % 9 : size == 2 ? count % 17 : count;
    if (n == 0) return a;
    x86_flags_sync(c);
    uint64_t cin = c->rflags & FLAG_CF ? 1 : 0, cf;
    if (op == SH_RCL) {
      res = (a << n) | (cin << (n - 1));
      if (n > 1) res |= a >> (bits + 1 - n);
      cf = (a >> (bits - n)) & 1;
    } else {
      res = (a >> n) | (cin << (bits - n));
      if (n > 1) res |= a << (bits + 1 - n);
      cf = (a >> (n - 1)) & 1;
    }
    res &= m;
    c->rflags = (c->rflags & ~(uint64_t)(FLAG_CF | FLAG_OF)) | (cf ? FLAG_CF : 0) |
                (x86_msb(a ^ res, size) ? FLAG_OF : 0);
    return res;
  }
  }
}

/* SHLD/SHRD: dst shifted with bits of src coming in; 16-bit counts above 16 shift the
 * 48-bit dst:src:dst (SHLD) or src:dst:src (SHRD) pattern, as qemu does */
uint64_t x86_shiftd(X86Cpu *c, bool right, int size, uint64_t dst, uint64_t src, unsigned count) {
  uint64_t m = x86_mask(size);
  dst &= m; src &= m;
  count &= size == 8 ? 63 : 31;
  if (count == 0) return dst;
  uint64_t res, t;
  if (size == 2) {
    if (right) {
      uint64_t w = dst | (src << 16) | (dst << 32);
      t = w >> (count - 1);
      res = (t >> 1) & m;
    } else {
      uint64_t w = (dst << 32) | (src << 16) | dst;
      t = (w << (count - 1)) >> 32;
      res = ((w << count) >> 32) & m;
    }
  } else if (size == 4) {
    if (right) {
      uint64_t w = dst | (src << 32);
      t = w >> (count - 1);
      res = (t >> 1) & m;
    } else {
      uint64_t w = (dst << 32) | src;
      t = (w << (count - 1)) >> 32;
      res = ((w << count) >> 32) & m;
    }
  } else {
    if (right) {
      t = dst >> (count - 1); /* without src's bits: OF for counts > 1 as qemu computes it */
      res = (dst >> count) | (src << (64 - count));
    } else {
      t = dst << (count - 1);
      res = (dst << count) | (src >> (64 - count));
    }
  }
  set_arith(c, shift_flags(size, t, res, !right));
  return res;
}

static inline void set_reg_sized(X86Cpu *c, int r, int size, uint64_t v) {
  if (size == 4) c->r[r] = (uint32_t)v;
  else if (size == 8) c->r[r] = v;
  else c->r[r] = (c->r[r] & ~x86_mask(size)) | (v & x86_mask(size));
}

/* MUL/IMUL flags: CF = OF = the high half is significant; SF/ZF/PF of the low half, AF = 0 */
static void mul_flags(X86Cpu *c, int size, uint64_t lo, bool overflow) {
  set_arith(c, szp(size, lo) | (overflow ? FLAG_CF | FLAG_OF : 0));
}

uint64_t x86_imul2(X86Cpu *c, int size, uint64_t a, uint64_t b) {
  int64_t sa = (int64_t)x86_sext(a, size), sb = (int64_t)x86_sext(b, size);
  uint64_t lo;
  bool ovf;
  if (size == 8) {
    __int128 p = (__int128)sa * sb;
    lo = (uint64_t)p;
    ovf = p != (__int128)(int64_t)lo;
  } else {
    int64_t p = sa * sb;
    lo = (uint64_t)p & x86_mask(size);
    ovf = (int64_t)x86_sext(lo, size) != p;
  }
  mul_flags(c, size, lo, ovf);
  return lo;
}

/* F6/F7 /4 MUL, /5 IMUL, /6 DIV, /7 IDIV on rDX:rAX (AH:AL for bytes) */
int x86_muldiv(X86Cpu *c, int op, int size, uint64_t src) {
  uint64_t m = x86_mask(size);
  int bits = size * 8;
  src &= m;
  uint64_t a = c->r[R_RAX] & m;
  if (op == 4 || op == 5) {
    uint64_t lo, hi;
    bool ovf;
    if (op == 4) {
      unsigned __int128 p = (unsigned __int128)a * src;
      lo = (uint64_t)p & m;
      hi = size == 8 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits) & m;
      ovf = hi != 0;
    } else {
      __int128 p = (__int128)(int64_t)x86_sext(a, size) * (int64_t)x86_sext(src, size);
      lo = (uint64_t)p & m;
      hi = (uint64_t)(p >> bits) & m;
      ovf = p != (__int128)(int64_t)x86_sext(lo, size);
    }
    if (size == 1) set_reg_sized(c, R_RAX, 2, lo | (hi << 8));
    else { set_reg_sized(c, R_RAX, size, lo); set_reg_sized(c, R_RDX, size, hi); }
    mul_flags(c, size, lo, ovf);
    return 0;
  }
  if (src == 0) return EXC_DE;
  /* dividend rDX:rAX (AX for bytes); flags are left as they were, as qemu leaves them */
  unsigned __int128 hi = size == 1 ? (c->r[R_RAX] >> 8) & 0xff : c->r[R_RDX] & m;
  unsigned __int128 n = (hi << bits) | a;
  uint64_t q, r;
  if (op == 6) {
    unsigned __int128 qq = n / src;
    if (qq > m) return EXC_DE;
    q = (uint64_t)qq; r = (uint64_t)(n % src);
  } else {
    /* sign-extend the 2*bits dividend to 128 bits */
    __int128 sn;
    if (size == 8) sn = (__int128)n;
    else sn = (__int128)((int64_t)((uint64_t)n << (64 - 2 * bits)) >> (64 - 2 * bits));
    __int128 sd = (int64_t)x86_sext(src, size);
    if (size == 8 && sn == (__int128)((unsigned __int128)1 << 127) && sd == -1) return EXC_DE; /* INT128_MIN / -1 */
    __int128 qq = sn / sd, rr = sn % sd;
    __int128 lim = (__int128)1 << (bits - 1);
    if (qq >= lim || qq < -lim) return EXC_DE;
    q = (uint64_t)qq & m; r = (uint64_t)rr & m;
  }
  if (size == 1) set_reg_sized(c, R_RAX, 2, q | (r << 8));
  else { set_reg_sized(c, R_RAX, size, q); set_reg_sized(c, R_RDX, size, r); }
  return 0;
}

/* condition codes tttn (SDM vol. 2 appendix B.1.4.7) */
bool x86_cond(X86Cpu *c, int cc) {
  bool r;
  /* compare-and-branch straight from the operands when the flags are still lazy */
  if (c->cc_op == CC_SUB) {
    int size = c->cc_size;
    uint64_t a = c->cc_a, b = c->cc_b;
    switch (cc >> 1) {
    case 1: r = a < b; return (cc & 1) ? !r : r;
    case 2: r = a == b; return (cc & 1) ? !r : r;
    case 3: r = a <= b; return (cc & 1) ? !r : r;
    case 4: r = x86_msb(c->cc_res, size); return (cc & 1) ? !r : r;
    case 6: r = (int64_t)x86_sext(a, size) < (int64_t)x86_sext(b, size); return (cc & 1) ? !r : r;
    case 7: r = (int64_t)x86_sext(a, size) <= (int64_t)x86_sext(b, size); return (cc & 1) ? !r : r;
    }
  } else if (c->cc_op == CC_LOGIC) { /* CF = OF = 0 */
    uint64_t res = c->cc_res;
    bool s = x86_msb(res, c->cc_size);
    switch (cc >> 1) {
    case 0: case 1: r = false; return (cc & 1) ? !r : r;
    case 2: case 3: r = res == 0; return (cc & 1) ? !r : r;
    case 4: case 6: r = s; return (cc & 1) ? !r : r;
    case 7: r = res == 0 || s; return (cc & 1) ? !r : r;
    }
  }
  x86_flags_sync(c);
  uint64_t f = c->rflags;
  switch (cc >> 1) {
  case 0: r = f & FLAG_OF; break;
  case 1: r = f & FLAG_CF; break;
  case 2: r = f & FLAG_ZF; break;
  case 3: r = f & (FLAG_CF | FLAG_ZF); break;
  case 4: r = f & FLAG_SF; break;
  case 5: r = f & FLAG_PF; break;
  case 6: r = !(f & FLAG_SF) != !(f & FLAG_OF); break;
  default: r = (f & FLAG_ZF) || (!(f & FLAG_SF) != !(f & FLAG_OF)); break;
  }
  return (cc & 1) ? !r : r;
}
