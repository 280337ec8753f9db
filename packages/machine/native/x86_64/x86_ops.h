/* x86-64 CPU: operand access shared by the executing files (SDM vol. 2 2.1.5 ModR/M addressing,
 * 3.4.1.1 64-bit mode register writes: 32-bit results zero-extend, 8/16-bit results merge). */
#ifndef C2W_X86_OPS_H
#define C2W_X86_OPS_H
#include "x86.h"
#include "x86_mem.h"

/* effective address without the segment base (what LEA computes), 64-bit addressing: the run
 * loop's short paths, whose kinds x86_decode gives no instruction with 32-bit addressing or a
 * segment left in d->seg */
static inline uint64_t x86_ea_offset64(const X86Cpu *c, const X86Insn *d) {
  return (uint64_t)(int64_t)d->disp + c->ea_reg[d->base] + (c->ea_reg[d->index] << d->scale);
}

static inline uint64_t x86_ea_offset(const X86Cpu *c, const X86Insn *d) {
  uint64_t a = x86_ea_offset64(c, d);
  return d->asize == 4 ? (uint32_t)a : a;
}

static inline uint64_t x86_ea_seg(const X86Cpu *c, const X86Insn *d, uint64_t a) {
  if (X86_UNLIKELY(d->seg != SEG_NONE)) a += d->seg == SEG_FS ? c->fs_base : c->gs_base;
  return a;
}

static inline uint64_t x86_ea(const X86Cpu *c, const X86Insn *d) { return x86_ea_seg(c, d, x86_ea_offset(c, d)); }
static inline uint64_t x86_ea64(const X86Cpu *c, const X86Insn *d) { return x86_ea_offset64(c, d); }

/* registers 4..7 of byte size are AH, CH, DH, BH unless a REX prefix is present */
static inline uint64_t x86_get_reg(const X86Cpu *c, const X86Insn *d, int r, int size) {
  if (size == 1 && !d->has_rex && r >= 4 && r < 8) return (c->r[r - 4] >> 8) & 0xff;
  return c->r[r] & x86_mask(size);
}

static inline void x86_set_reg(X86Cpu *c, const X86Insn *d, int r, int size, uint64_t v) {
  switch (size) {
  case 1:
    if (!d->has_rex && r >= 4 && r < 8) c->r[r - 4] = (c->r[r - 4] & ~0xff00ULL) | ((v & 0xff) << 8);
    else c->r[r] = (c->r[r] & ~0xffULL) | (v & 0xff);
    break;
  case 2: c->r[r] = (c->r[r] & ~0xffffULL) | (v & 0xffff); break;
  case 4: c->r[r] = (uint32_t)v; break;
  default: c->r[r] = v; break;
  }
}

/* a byte register in place: AH..BH are byte 1 of RAX..RBX (hosts and wasm are little-endian) */
static inline uint8_t *x86_reg8(X86Cpu *c, const X86Insn *d, int r) {
  if (!d->has_rex && r >= 4 && r < 8) return (uint8_t *)&c->r[r - 4] + 1;
  return (uint8_t *)&c->r[r];
}

/* the ModR/M r/m operand: a register (mod 3) or memory */
static inline int x86_read_rm(X86Cpu *c, const X86Insn *d, int size, uint64_t *v) {
  if (d->mod == 3) { *v = x86_get_reg(c, d, d->rm, size); return 0; }
  return x86_load(c, x86_ea(c, d), size, v);
}

static inline int x86_write_rm(X86Cpu *c, const X86Insn *d, int size, uint64_t v) {
  if (d->mod == 3) { x86_set_reg(c, d, d->rm, size, v); return 0; }
  return x86_store(c, x86_ea(c, d), size, v);
}

/* the common ALU operations record their flags lazily (x86_alu.c has the rest); inline here so
 * the hot loop does not call across files */
static inline __attribute__((always_inline)) uint64_t x86_alu_fast(X86Cpu *c, int op, int size, uint64_t a, uint64_t b) {
  uint64_t m = x86_mask(size), res;
  int cc;
  a &= m; b &= m;
  switch (op) {
  case 0: res = a + b; cc = CC_ADD; break;           /* ADD */
  case 5: case 7: res = a - b; cc = CC_SUB; break;   /* SUB CMP */
  case 1: res = a | b; cc = CC_LOGIC; break;         /* OR */
  case 4: res = a & b; cc = CC_LOGIC; break;         /* AND */
  case 6: res = a ^ b; cc = CC_LOGIC; break;         /* XOR */
  default: return x86_alu(c, op, size, a, b);        /* ADC SBB need CF */
  }
  c->cc_op = (uint8_t)cc; c->cc_size = (uint8_t)size;
  c->cc_a = a; c->cc_b = b; c->cc_res = res & m;
  return res & m;
}

/* Jcc/SETcc/CMOVcc: straight from a lazy compare or logic result when possible */
static inline __attribute__((always_inline)) bool x86_cond_fast(X86Cpu *c, int cc) {
  if (c->cc_op == CC_SUB) {
    uint64_t a = c->cc_a, b = c->cc_b;
    bool r;
    switch (cc >> 1) {
    case 1: r = a < b; break;
    case 2: r = a == b; break;
    case 3: r = a <= b; break;
    case 6: r = (int64_t)x86_sext(a, c->cc_size) < (int64_t)x86_sext(b, c->cc_size); break;
    case 7: r = (int64_t)x86_sext(a, c->cc_size) <= (int64_t)x86_sext(b, c->cc_size); break;
    default: return x86_cond(c, cc);
    }
    return (cc & 1) ? !r : r;
  }
  if (c->cc_op >= CC_LOGIC && c->cc_op != CC_SHL && c->cc_op != CC_SHR && (cc >> 1) == 2)
    return (c->cc_res == 0) != (cc & 1); /* ZF of a logic result, INC or DEC */
  return x86_cond(c, cc);
}

/* always inlined where the size is known (the run loop's PUSH r64, POP r64, CALL, RET): clang
 * left x86_push out of line in the wasm build, 3.5% of an x86 boot's time (ADR 0058) */
static inline __attribute__((always_inline)) int x86_push_inline(X86Cpu *c, int size, uint64_t v) {
  uint64_t sp = c->r[R_RSP] - size;
  int e = x86_store(c, sp, size, v);
  if (e) return e;
  c->r[R_RSP] = sp;
  return 0;
}

static inline __attribute__((always_inline)) int x86_pop_inline(X86Cpu *c, int size, uint64_t *v) {
  int e = x86_load(c, c->r[R_RSP], size, v);
  if (e) return e;
  c->r[R_RSP] += size;
  return 0;
}

static inline int x86_push(X86Cpu *c, int size, uint64_t v) { return x86_push_inline(c, size, v); }
static inline int x86_pop(X86Cpu *c, int size, uint64_t *v) { return x86_pop_inline(c, size, v); }

#endif
