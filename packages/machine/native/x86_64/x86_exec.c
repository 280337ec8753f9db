/* x86-64 CPU: the run loop and the integer instructions of the one-byte and 0F maps
 * (SDM vol. 2 tables ): data movement, ALU dispatch, control flow, stack, bit operations,
 * CMPXCHG/XADD. Strings are x86_string.c, SSE x86_sse.c, CPUID/RDTSC/SYSCALL x86_system.c.
 * An instruction either completes (rip advanced) or raises: state and rip stay as they were. */
#include <stddef.h>
#include <stdlib.h>
#include "x86.h"
#include "x86_ops.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)

/* ALU op of an ADD..CMP opcode, or of group 1's reg field */
enum { ALU_CMP = 7, ALU_AND = 4 };

static int op_size_byte(const X86Insn *d) { return (d->op & 1) ? d->osize : 1; }

/* push/pop default to 64-bit operands in 64-bit mode, 32-bit in 32-bit code; 66 makes them 16-bit */
static int stack_size(const X86Insn *d) { return d->ssize; }

static int exec_alu_rm(X86Cpu *c, const X86Insn *d, int op, int size, uint64_t src, bool rm_is_dst) {
  uint64_t a;
  if (rm_is_dst) {
    if (d->mod == 3) {
      a = x86_get_reg(c, d, d->rm, size);
      uint64_t r = x86_alu_fast(c, op, size, a, src);
      if (op != ALU_CMP) x86_set_reg(c, d, d->rm, size, r);
      return 0;
    }
    uint64_t ea = x86_ea(c, d);
    CHK(x86_load(c, ea, size, &a));
    uint64_t r = x86_alu_fast(c, op, size, a, src);
    if (op != ALU_CMP) CHK(x86_store(c, ea, size, r));
    return 0;
  }
  CHK(x86_read_rm(c, d, size, &a));
  uint64_t r = x86_alu_fast(c, op, size, x86_get_reg(c, d, d->reg, size), a);
  if (op != ALU_CMP) x86_set_reg(c, d, d->reg, size, r);
  return 0;
}

/* read-modify-write of the r/m operand through fn */
typedef uint64_t (*RmwFn)(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t arg);
static int rmw(X86Cpu *c, const X86Insn *d, int size, RmwFn fn, uint64_t arg) {
  uint64_t v;
  if (d->mod == 3) {
    v = x86_get_reg(c, d, d->rm, size);
    x86_set_reg(c, d, d->rm, size, fn(c, d, size, v, arg));
    return 0;
  }
  uint64_t ea = x86_ea(c, d);
  CHK(x86_load(c, ea, size, &v));
  return x86_store(c, ea, size, fn(c, d, size, v, arg));
}

static uint64_t fn_shift(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t count) {
  return x86_shift(c, d->reg & 7, size, v, (unsigned)count);
}
static uint64_t fn_not(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t arg) { return ~v; }
static uint64_t fn_neg(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t arg) {
  return x86_alu_fast(c, 5 /* SUB */, size, 0, v);
}
static uint64_t fn_incdec(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t dec) {
  return x86_incdec(c, size, v, dec != 0);
}
static uint64_t fn_shiftd(X86Cpu *c, const X86Insn *d, int size, uint64_t v, uint64_t count) {
  return x86_shiftd(c, (d->op & 0xff) >= 0xac, size, v, x86_get_reg(c, d, d->reg, size), (unsigned)count);
}

static int jump(X86Cpu *c, uint64_t target) { c->rip = target; return X86_OK; }

/* BT/BTS/BTR/BTC (0F A3/AB/B3/BB, 0F BA /4../7): CF = the bit; other flags unchanged */
static int exec_bt(X86Cpu *c, const X86Insn *d, int kind, uint64_t off, bool imm) {
  int size = d->osize, bits = size * 8;
  uint64_t v, ea = 0;
  if (d->mod == 3) {
    v = x86_get_reg(c, d, d->rm, size);
    off &= bits - 1;
  } else {
    ea = x86_ea(c, d);
    if (imm) off &= bits - 1;
    else {
      int64_t so = (int64_t)x86_sext(off, size);
      ea += (uint64_t)((so >> (size == 2 ? 4 : size == 4 ? 5 : 6)) * size);
      off = (uint64_t)so & (bits - 1);
    }
    CHK(x86_load(c, ea, size, &v));
  }
  uint64_t bit = 1ULL << off;
  x86_flags_sync(c);
  c->rflags = (c->rflags & ~(uint64_t)FLAG_CF) | ((v & bit) ? FLAG_CF : 0);
  if (kind == 0) return 0;
  v = kind == 1 ? v | bit : kind == 2 ? v & ~bit : v ^ bit;
  if (d->mod == 3) { x86_set_reg(c, d, d->rm, size, v); return 0; }
  return x86_store(c, ea, size, v);
}

static int exec_0f(X86Cpu *c, const X86Insn *d, uint64_t next) {
  int op = d->op & 0xff, size = d->osize;
  uint64_t v, w;
  switch (op) {
  case 0x05: /* SYSCALL */
    return x86_syscall(c, next);
  case 0x0b: return EXC_UD; /* UD2 */
  case 0x00: case 0x01: case 0x02: case 0x03: case 0x06: case 0x07: case 0x08: case 0x09: case 0x20 ... 0x23: case 0x30:
  case 0x32: case 0xa0: case 0xa1: case 0xa8: case 0xa9:
    return x86_exec_sys(c, d, next);
  case 0x0d: case 0x18 ... 0x1f: return 0; /* PREFETCH*, hint NOPs, ENDBR64 */
  case 0x31: { /* RDTSC (CR4.TSD makes it privileged) */
    if (c->system && (c->cr4 & 4) && c->cpl) return c->exc_err = 0, EXC_GP;
    uint64_t t = x86_rdtsc(c);
    c->r[R_RAX] = (uint32_t)t;
    c->r[R_RDX] = t >> 32;
    /* the TSC counts retired instructions, which x86_run adds up when it returns: on a board
     * end the slice so the next read sees the instructions since (delay loops spin on it) */
    return c->system ? X86_EVENT : 0;
  }
  case 0xa2: x86_cpuid(c); return 0;
  case 0x40 ... 0x4f: /* CMOVcc: the 32-bit form zero-extends even when it does not move */
    CHK(x86_read_rm(c, d, size, &v));
    x86_set_reg(c, d, d->reg, size, x86_cond_fast(c, op & 15) ? v : x86_get_reg(c, d, d->reg, size));
    return 0;
  case 0x80 ... 0x8f:
    if (x86_cond_fast(c, op & 15)) return jump(c, next + d->imm);
    return 0;
  case 0x90 ... 0x9f: return x86_write_rm(c, d, 1, x86_cond_fast(c, op & 15));
  case 0xa3: return exec_bt(c, d, 0, x86_get_reg(c, d, d->reg, size), false);
  case 0xab: return exec_bt(c, d, 1, x86_get_reg(c, d, d->reg, size), false);
  case 0xb3: return exec_bt(c, d, 2, x86_get_reg(c, d, d->reg, size), false);
  case 0xbb: return exec_bt(c, d, 3, x86_get_reg(c, d, d->reg, size), false);
  case 0xba:
    if ((d->reg & 7) < 4) return EXC_UD;
    return exec_bt(c, d, (d->reg & 7) - 4, d->imm & 0xff, true);
  case 0xa4: case 0xac: return rmw(c, d, size, fn_shiftd, d->imm & 0xff);
  case 0xa5: case 0xad: return rmw(c, d, size, fn_shiftd, c->r[R_RCX] & 0xff);
  case 0xaf:
    CHK(x86_read_rm(c, d, size, &v));
    x86_set_reg(c, d, d->reg, size, x86_imul2(c, size, x86_get_reg(c, d, d->reg, size), v));
    return 0;
  case 0xb0: case 0xb1: { /* CMPXCHG: memory is written either way, as the SDM says */
    int s = op == 0xb0 ? 1 : size;
    uint64_t ea = d->mod == 3 ? 0 : x86_ea(c, d);
    if (d->mod == 3) v = x86_get_reg(c, d, d->rm, s);
    else CHK(x86_load(c, ea, s, &v));
    x86_alu_fast(c, ALU_CMP, s, c->r[R_RAX], v);
    if (x86_cond(c, 4 /* Z */)) {
      w = x86_get_reg(c, d, d->reg, s);
      if (d->mod == 3) x86_set_reg(c, d, d->rm, s, w);
      else CHK(x86_store(c, ea, s, w));
    } else {
      if (d->mod != 3) CHK(x86_store(c, ea, s, v));
      x86_set_reg(c, d, R_RAX, s, v);
    }
    return 0;
  }
  case 0xc0: case 0xc1: { /* XADD */
    int s = op == 0xc0 ? 1 : size;
    uint64_t ea = d->mod == 3 ? 0 : x86_ea(c, d);
    if (d->mod == 3) v = x86_get_reg(c, d, d->rm, s);
    else CHK(x86_load(c, ea, s, &v));
    uint64_t sum = x86_alu_fast(c, 0 /* ADD */, s, v, x86_get_reg(c, d, d->reg, s));
    if (d->mod == 3) {
      x86_set_reg(c, d, d->reg, s, v);
      x86_set_reg(c, d, d->rm, s, sum);
    } else {
      CHK(x86_store(c, ea, s, sum));
      x86_set_reg(c, d, d->reg, s, v);
    }
    return 0;
  }
  case 0xc7: { /* CMPXCHG8B / CMPXCHG16B: only ZF changes; /6 /7 with a register: RDRAND RDSEED */
    if (d->mod == 3 && (d->reg & 7) >= 6 && d->rep == 0) return x86_rdrand(c, d, size);
    if ((d->reg & 7) != 1 || d->mod == 3) return EXC_UD;
    uint64_t ea = x86_ea(c, d);
    x86_flags_sync(c);
    if (d->rex & 8) {
      if (ea & 15) return EXC_GP;
      uint64_t lo, hi;
      CHK(x86_load(c, ea, 8, &lo));
      CHK(x86_load(c, ea + 8, 8, &hi));
      bool eq = lo == c->r[R_RAX] && hi == c->r[R_RDX];
      if (eq) {
        CHK(x86_store(c, ea, 8, c->r[R_RBX]));
        CHK(x86_store(c, ea + 8, 8, c->r[R_RCX]));
      } else {
        CHK(x86_store(c, ea, 8, lo));
        CHK(x86_store(c, ea + 8, 8, hi));
        c->r[R_RAX] = lo; c->r[R_RDX] = hi;
      }
      c->rflags = (c->rflags & ~(uint64_t)FLAG_ZF) | (eq ? FLAG_ZF : 0);
    } else {
      CHK(x86_load(c, ea, 8, &v));
      uint64_t cmp = (uint32_t)c->r[R_RAX] | (c->r[R_RDX] << 32);
      bool eq = v == cmp;
      if (eq) CHK(x86_store(c, ea, 8, (uint32_t)c->r[R_RBX] | (c->r[R_RCX] << 32)));
      else {
        CHK(x86_store(c, ea, 8, v));
        c->r[R_RAX] = (uint32_t)v; c->r[R_RDX] = v >> 32;
      }
      c->rflags = (c->rflags & ~(uint64_t)FLAG_ZF) | (eq ? FLAG_ZF : 0);
    }
    return 0;
  }
  case 0xb6: case 0xb7: case 0xbe: case 0xbf: { /* MOVZX / MOVSX */
    int s = (op & 1) ? 2 : 1;
    CHK(x86_read_rm(c, d, s, &v));
    if (op >= 0xbe) v = x86_sext(v, s);
    x86_set_reg(c, d, d->reg, size, v);
    return 0;
  }
  case 0xbc: case 0xbd: { /* BSF / BSR (and F3 forms run as BSF/BSR: TZCNT/LZCNT are not advertised);
                             flags as qemu: logic flags of the source; a zero source keeps the destination */
    CHK(x86_read_rm(c, d, size, &v));
    x86_set_logic_flags(c, size, v);
    if (v) x86_set_reg(c, d, d->reg, size, op == 0xbc ? (uint64_t)__builtin_ctzll(v) : (uint64_t)(63 - __builtin_clzll(v)));
    else x86_set_reg(c, d, d->reg, size, c->r[d->reg]);
    return 0;
  }
  case 0xc8 ... 0xcf: { /* BSWAP */
    int r = (op & 7) | ((d->rex & 1) << 3);
    if (size == 8) c->r[r] = __builtin_bswap64(c->r[r]);
    else if (size == 4) c->r[r] = __builtin_bswap32((uint32_t)c->r[r]);
    else c->r[r] &= ~0xffffULL; /* 16-bit BSWAP is undefined; qemu and hardware give 0 */
    return 0;
  }
  case 0xae:
    if (d->mod == 3) {
      if ((d->reg & 7) >= 5) return 0; /* LFENCE MFENCE SFENCE */
      return EXC_UD;
    }
    switch (d->reg & 7) {
    case 0: case 1: return x86_fxsave(c, d, (d->reg & 7) == 1);
    case 2: { /* LDMXCSR */
      CHK(x86_load(c, x86_ea(c, d), 4, &v));
      if (v & ~0xffffULL) return EXC_GP;
      c->mxcsr = (uint32_t)v;
      return 0;
    }
    case 3: return x86_store(c, x86_ea(c, d), 4, c->mxcsr); /* STMXCSR */
    case 7: return 0; /* CLFLUSH */
    default: return EXC_UD;
    }
  default:
    return x86_sse(c, d);
  }
}

/* ---- ADR 0039's short paths that stay out of line (x86_run's size matters to V8, ADR 0019) ---- */

/* ADD..CMP with byte operands: r/m8 op= r8, r8 op= r/m8, r/m8 op= imm8 (80) */
static __attribute__((noinline)) int exec_alu8(X86Cpu *c, const X86Insn *d) {
  int op = d->op, alu = op == 0x80 ? d->reg & 7 : (op >> 3) & 7;
  uint8_t *dst = NULL;
  uint64_t a, b, ea = 0;
  if (op == 0x80 || !(op & 2)) { /* r/m is the destination */
    b = op == 0x80 ? d->imm : *x86_reg8(c, d, d->reg);
    if (d->mod == 3) a = *(dst = x86_reg8(c, d, d->rm));
    else CHK(x86_load(c, ea = x86_ea(c, d), 1, &a));
  } else {
    a = *(dst = x86_reg8(c, d, d->reg));
    if (d->mod == 3) b = *x86_reg8(c, d, d->rm);
    else CHK(x86_load(c, x86_ea(c, d), 1, &b));
  }
  uint64_t r = x86_alu_fast(c, alu, 1, a, b);
  if (alu == ALU_CMP) return 0;
  if (dst) { *dst = (uint8_t)r; return 0; }
  return x86_store(c, ea, 1, r);
}

/* TEST r/m, reg (84 85) and TEST r/m, imm (F6 F7 /0 /1), every operand size */
static __attribute__((noinline)) int exec_test(X86Cpu *c, const X86Insn *d) {
  int s = op_size_byte(d);
  uint64_t v;
  CHK(x86_read_rm(c, d, s, &v));
  x86_alu_fast(c, ALU_AND, s, v, d->op < 0x86 ? x86_get_reg(c, d, d->reg, s) : d->imm);
  return 0;
}

/* INC/DEC r/m (FE FF /0 /1), every operand size, flags lazy (x86_incdec) */
static __attribute__((noinline)) int exec_incdec(X86Cpu *c, const X86Insn *d) {
  /* rmw's steps written out: through rmw, clang kept the call to it and the indirect one to fn_incdec */
  int size = d->op == 0xfe ? 1 : d->osize;
  bool dec = d->reg & 1;
  uint64_t v;
  if (d->mod == 3) {
    v = x86_get_reg(c, d, d->rm, size);
    x86_set_reg(c, d, d->rm, size, x86_incdec(c, size, v, dec));
    return 0;
  }
  uint64_t ea = x86_ea(c, d);
  CHK(x86_load(c, ea, size, &v));
  return x86_store(c, ea, size, x86_incdec(c, size, v, dec));
}

/* the one-byte map's general paths, out of line since ADR 0039: with the short paths taking most
 * instructions, a smaller x86_run (registers, V8's compile) is worth a call on the rest */
static __attribute__((noinline)) int exec_1byte(X86Cpu *c, const X86Insn *d, uint64_t next) {
  int op = d->op, size = d->osize;
  uint64_t v, w;
  switch (op) {
  case 0x00 ... 0x3f: {
    int alu = op >> 3, s = (op & 1) ? size : 1;
    switch (op & 7) {
    case 0: case 1: return exec_alu_rm(c, d, alu, s, x86_get_reg(c, d, d->reg, s), true);
    case 2: case 3: return exec_alu_rm(c, d, alu, s, 0, false);
    case 4: case 5: {
      uint64_t r = x86_alu_fast(c, alu, s, c->r[R_RAX], d->imm);
      if (alu != ALU_CMP) x86_set_reg(c, d, R_RAX, s, r);
      return 0;
    }
    }
    return EXC_UD;
  }
  case 0x40 ... 0x4f: /* INC/DEC r32 (32-bit code only: REX prefixes in 64-bit mode) */
    x86_set_reg(c, d, op & 7, size, x86_incdec(c, size, c->r[op & 7], op >= 0x48));
    return 0;
  case 0x50 ... 0x57: {
    int s = stack_size(d);
    return x86_push(c, s, c->r[(op & 7) | ((d->rex & 1) << 3)] & x86_mask(s));
  }
  case 0x58 ... 0x5f: {
    int s = stack_size(d);
    CHK(x86_pop(c, s, &v));
    x86_set_reg(c, d, (op & 7) | ((d->rex & 1) << 3), s, v);
    return 0;
  }
  case 0x63: /* MOVSXD (without REX.W a plain 32-bit move) */
    CHK(x86_read_rm(c, d, 4, &v));
    x86_set_reg(c, d, d->reg, size, size == 8 ? x86_sext(v, 4) : v);
    return 0;
  case 0x68: case 0x6a: return x86_push(c, stack_size(d), d->imm & x86_mask(stack_size(d)));
  case 0x69: case 0x6b:
    CHK(x86_read_rm(c, d, size, &v));
    x86_set_reg(c, d, d->reg, size, x86_imul2(c, size, v, d->imm));
    return 0;
  case 0x70 ... 0x7f:
    if (x86_cond_fast(c, op & 15)) return jump(c, next + d->imm);
    return 0;
  case 0x80: case 0x81: case 0x83: {
    int s = op == 0x80 ? 1 : size;
    return exec_alu_rm(c, d, d->reg & 7, s, d->imm, true);
  }
  case 0x84: case 0x85: {
    int s = op_size_byte(d);
    CHK(x86_read_rm(c, d, s, &v));
    x86_alu_fast(c, ALU_AND, s, v, x86_get_reg(c, d, d->reg, s));
    return 0;
  }
  case 0x86: case 0x87: { /* XCHG (locked implicitly: one hart) */
    int s = op_size_byte(d);
    CHK(x86_read_rm(c, d, s, &v));
    w = x86_get_reg(c, d, d->reg, s);
    CHK(x86_write_rm(c, d, s, w));
    x86_set_reg(c, d, d->reg, s, v);
    return 0;
  }
  case 0x88: case 0x89: {
    int s = op_size_byte(d);
    return x86_write_rm(c, d, s, x86_get_reg(c, d, d->reg, s));
  }
  case 0x8a: case 0x8b: {
    int s = op_size_byte(d);
    CHK(x86_read_rm(c, d, s, &v));
    x86_set_reg(c, d, d->reg, s, v);
    return 0;
  }
  case 0x8d:
    if (d->mod == 3) return EXC_UD;
    x86_set_reg(c, d, d->reg, size, x86_ea_offset(c, d));
    return 0;
  case 0x8f: { /* POP r/m: rsp is incremented before the address is computed */
    if ((d->reg & 7) != 0) return EXC_UD;
    int s = stack_size(d);
    uint64_t sp = c->r[R_RSP];
    CHK(x86_pop(c, s, &v));
    int e = x86_write_rm(c, d, s, v);
    if (e) { c->r[R_RSP] = sp; return e; }
    return 0;
  }
  case 0x90:
    if (d->rex & 1) goto xchg_rax;
    return 0; /* NOP, PAUSE */
  case 0x91 ... 0x97:
  xchg_rax: {
    int r = (op & 7) | ((d->rex & 1) << 3);
    v = x86_get_reg(c, d, r, size);
    x86_set_reg(c, d, r, size, c->r[R_RAX]);
    x86_set_reg(c, d, R_RAX, size, v);
    return 0;
  }
  case 0x98: /* CBW CWDE CDQE */
    x86_set_reg(c, d, R_RAX, size, x86_sext(c->r[R_RAX], size / 2));
    return 0;
  case 0x99: /* CWD CDQ CQO */
    x86_set_reg(c, d, R_RDX, size, x86_msb(c->r[R_RAX], size) ? ~0ULL : 0);
    return 0;
  case 0x9b: return 0; /* FWAIT */
  case 0xd7: { /* XLAT: AL = [rBX + AL] */
    uint64_t a = ((d->asize == 4 ? (uint32_t)c->r[R_RBX] : c->r[R_RBX]) + (c->r[R_RAX] & 0xff)) & (d->asize == 4 ? 0xffffffffULL : ~0ULL);
    a += d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0;
    CHK(x86_load(c, a, 1, &v));
    x86_set_reg(c, d, R_RAX, 1, v);
    return 0;
  }
  case 0xd8 ... 0xdf: return x86_x87(c, d);
  case 0x9c: { /* PUSHF: VM and RF read as 0 */
    int s = stack_size(d);
    x86_flags_sync(c);
    return x86_push(c, s, c->rflags & 0x3cffffULL & x86_mask(s));
  }
  case 0x9d: { /* POPF: IOPL changes at CPL 0, IF at CPL <= IOPL (never in the user-mode runner) */
    int s = stack_size(d);
    CHK(x86_pop(c, s, &v));
    uint64_t mask = (FLAGS_ARITH | FLAG_TF | FLAG_DF | 0x4000 | 0x40000 | FLAG_ID) & x86_mask(s);
    x86_flags_sync(c);
    if (c->system) {
      uint64_t was_if = c->rflags & FLAG_IF;
      if (c->cpl == 0) mask |= 0x3000;
      if (c->cpl <= ((c->rflags >> 12) & 3)) mask |= FLAG_IF;
      c->rflags = (c->rflags & ~mask) | (v & mask) | FLAG_FIXED1;
      return !was_if && (c->rflags & FLAG_IF) ? X86_EVENT : 0;
    }
    c->rflags = (c->rflags & ~mask) | (v & mask) | FLAG_FIXED1;
    return 0;
  }
  case 0x9e: { /* SAHF */
    uint64_t m = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;
    x86_flags_sync(c);
    c->rflags = (c->rflags & ~m) | ((c->r[R_RAX] >> 8) & m);
    return 0;
  }
  case 0x9f: /* LAHF */
    x86_flags_sync(c);
    c->r[R_RAX] = (c->r[R_RAX] & ~0xff00ULL) | (((c->rflags & 0xd5) | FLAG_FIXED1) << 8);
    return 0;
  case 0xa0 ... 0xa3: { /* MOV AL/rAX <-> moffs */
    int s = op_size_byte(d);
    uint64_t a = d->imm + (d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0);
    if (op < 0xa2) {
      CHK(x86_load(c, a, s, &v));
      x86_set_reg(c, d, R_RAX, s, v);
      return 0;
    }
    return x86_store(c, a, s, c->r[R_RAX]);
  }
  case 0xa4 ... 0xa7: case 0xaa ... 0xaf: return x86_string(c, d);
  case 0xa8: case 0xa9: {
    int s = op_size_byte(d);
    x86_alu_fast(c, ALU_AND, s, c->r[R_RAX], d->imm);
    return 0;
  }
  case 0xb0 ... 0xb7: x86_set_reg(c, d, (op & 7) | ((d->rex & 1) << 3), 1, d->imm); return 0;
  case 0xb8 ... 0xbf: x86_set_reg(c, d, (op & 7) | ((d->rex & 1) << 3), size, d->imm); return 0;
  case 0xc0: case 0xc1: return rmw(c, d, op_size_byte(d), fn_shift, d->imm & 0xff);
  case 0xd0: case 0xd1: return rmw(c, d, op_size_byte(d), fn_shift, 1);
  case 0xd2: case 0xd3: return rmw(c, d, op_size_byte(d), fn_shift, c->r[R_RCX] & 0xff);
  case 0xc2: case 0xc3: { /* RET (64-bit operand; 66 would make it 16-bit) */
    int s = stack_size(d);
    CHK(x86_pop(c, s, &v));
    if (op == 0xc2) c->r[R_RSP] += d->imm & 0xffff;
    return jump(c, v);
  }
  case 0xc6: case 0xc7:
    if ((d->reg & 7) != 0) return EXC_UD;
    return x86_write_rm(c, d, op_size_byte(d), d->imm);
  case 0xc8: { /* ENTER, nesting level 0 only so far */
    if (d->imm2 & 31) return EXC_UD;
    CHK(x86_push(c, d->ssize, c->r[R_RBP]));
    c->r[R_RBP] = c->r[R_RSP];
    c->r[R_RSP] -= d->imm & 0xffff;
    return 0;
  }
  case 0xc9: { /* LEAVE */
    uint64_t sp = c->r[R_RSP];
    c->r[R_RSP] = c->r[R_RBP];
    int e = x86_pop(c, d->ssize, &v);
    if (e) { c->r[R_RSP] = sp; return e; }
    x86_set_reg(c, d, R_RBP, d->ssize, v);
    return 0;
  }
  case 0xcc: return c->system ? x86_interrupt(c, 3, true, next) : EXC_BP;
  case 0xcd: return c->system ? x86_interrupt(c, d->imm & 0xff, true, next) : EXC_GP; /* user-mode runner: no gates */
  case 0xe0: case 0xe1: case 0xe2: case 0xe3: { /* LOOPNE LOOPE LOOP JrCXZ */
    uint64_t m = d->asize == 4 ? 0xffffffffULL : ~0ULL;
    if (op == 0xe3) return (c->r[R_RCX] & m) == 0 ? jump(c, next + d->imm) : 0;
    uint64_t cx = (c->r[R_RCX] - 1) & m;
    c->r[R_RCX] = cx; /* with 67 the ECX write zero-extends, as every 32-bit write does */
    bool take = cx != 0;
    if (op == 0xe0) take = take && !x86_cond(c, 4 /* Z */);
    if (op == 0xe1) take = take && x86_cond(c, 4);
    return take ? jump(c, next + d->imm) : 0;
  }
  case 0xe8:
    CHK(x86_push(c, d->ssize, next));
    return jump(c, (next + d->imm) & x86_mask(d->ssize));
  case 0xe9: case 0xeb: return jump(c, next + d->imm);
  case 0xf4:
    if (c->system && c->cpl) return c->exc_err = 0, EXC_GP;
    c->rip = next;
    return X86_STOP_HLT;
  case 0xf5: x86_flags_sync(c); c->rflags ^= FLAG_CF; return 0;
  case 0xf6: case 0xf7: {
    int s = op_size_byte(d);
    switch (d->reg & 7) {
    case 0: case 1:
      CHK(x86_read_rm(c, d, s, &v));
      x86_alu_fast(c, ALU_AND, s, v, d->imm);
      return 0;
    case 2: return rmw(c, d, s, fn_not, 0);
    case 3: return rmw(c, d, s, fn_neg, 0);
    default:
      CHK(x86_read_rm(c, d, s, &v));
      return x86_muldiv(c, d->reg & 7, s, v);
    }
  }
  case 0xf8: x86_flags_sync(c); c->rflags &= ~(uint64_t)FLAG_CF; return 0;
  case 0xf9: x86_flags_sync(c); c->rflags |= FLAG_CF; return 0;
  case 0xfc: c->rflags &= ~(uint64_t)FLAG_DF; return 0;
  case 0xfd: c->rflags |= FLAG_DF; return 0;
  case 0xfe:
    if ((d->reg & 7) > 1) return EXC_UD;
    return rmw(c, d, 1, fn_incdec, d->reg & 1);
  case 0xff:
    switch (d->reg & 7) {
    case 0: case 1: return rmw(c, d, size, fn_incdec, d->reg & 1);
    case 2: /* CALL r/m64 (r/m32 in 32-bit code) */
      CHK(x86_read_rm(c, d, d->ssize, &v));
      CHK(x86_push(c, d->ssize, next));
      return jump(c, v);
    case 4: /* JMP r/m64 */
      CHK(x86_read_rm(c, d, d->ssize, &v));
      return jump(c, v);
    case 3: case 5: return x86_exec_sys(c, d, next); /* far CALL/JMP m16:32/m16:64 */
    case 6: {
      int s = stack_size(d);
      CHK(x86_read_rm(c, d, s, &v));
      return x86_push(c, s, v);
    }
    default: return EXC_UD;
    }
  default:
    return x86_exec_sys(c, d, next); /* port I/O, far transfers, CLI/STI, IRET, segments */
  }
}

/* the Jcc of a fused pair (x86_block.c): the slot after the compare's */
static inline const X86Insn *fused_jcc(const X86Insn *d) {
  return &((const X86Slot *)(const void *)((const char *)d - offsetof(X86Slot, insn)))[1].insn;
}

/* always inlined into x86_run: as a call per instruction it cost the wasm build about 18% (clang
 * stopped inlining it when the system instructions made it larger) */
static inline __attribute__((always_inline)) int exec_one(X86Cpu *c, const X86Insn *d, uint64_t rip) {
  /* rip == c->rip. Each case reads the fields it uses: op, osize and the next rip as locals read
   * before the switch were loads for every kind and registers held across it (ADR 0059: -5% host
   * instructions) */
  uint64_t v;
  switch (d->kind) { /* short paths for the commonest forms (32/64-bit operands) */
  case X86K_ALU_RR: {
    int alu = (d->op >> 3) & 7; /* r/m op= reg: x86_decode turned the reg op= r/m forms round */
    uint64_t r = x86_alu_fast(c, alu, d->osize, c->r[d->rm], c->r[d->reg]);
    if (alu != ALU_CMP) c->r[d->rm] = r; /* masked to 32 bits for 32-bit operands: zero-extended */
    return 0;
  }
  case X86K_MOV_RR: {
    uint64_t s = c->r[d->reg]; /* 89: 8B was turned round (x86_decode) */
    c->r[d->rm] = d->osize == 8 ? s : (uint32_t)s;
    return 0;
  }
  case X86K_MOV_LOAD:
    CHK(x86_load(c, x86_ea64(c, d), d->osize, &v));
    c->r[d->reg] = v;
    return 0;
  case X86K_MOV_STORE: return x86_store(c, x86_ea64(c, d), d->osize, c->r[d->reg]);
  case X86K_LEA: {
    uint64_t a = x86_ea_offset64(c, d);
    c->r[d->reg] = d->osize == 8 ? a : (uint32_t)a;
    return 0;
  }
  case X86K_JCC: return x86_cond_fast(c, d->op & 15) ? jump(c, rip + d->len + d->imm) : 0;
  case X86K_SHIFT_RI: {
    /* SHL/SAL, SHR and SAR by a non-zero count inline (a call costs the wasm build its
     * registers); rotates and a zero count in x86_shift */
    unsigned sh = d->reg & 7, cnt = (unsigned)d->imm & (d->osize == 8 ? 63 : 31);
    if (X86_LIKELY(sh >= 4 && cnt != 0)) {
      uint64_t m = x86_masks[d->osize], a = c->r[d->rm] & m, t, r;
      if (sh == 5) t = a >> (cnt - 1), r = t >> 1;
      else if (sh == 7) t = (uint64_t)((int64_t)x86_sext(a, d->osize) >> (cnt - 1)), r = (uint64_t)((int64_t)t >> 1) & m;
      else t = a << (cnt - 1), r = (t << 1) & m;
      c->cc_op = sh == 4 || sh == 6 ? CC_SHL : CC_SHR; c->cc_size = d->osize;
      c->cc_a = t; c->cc_b = 0; c->cc_res = r;
      c->r[d->rm] = r;
      return 0;
    }
    uint64_t r = x86_shift(c, d->reg & 7, d->osize, c->r[d->rm], (unsigned)(d->imm & 0xff));
    c->r[d->rm] = r; /* x86_shift masks the result to the operand size: 32 bits zero-extend */
    return 0;
  }
  case X86K_ALU_RI: {
    int alu = d->reg & 7;
    uint64_t r = x86_alu_fast(c, alu, d->osize, c->r[d->rm], d->imm);
    if (alu != ALU_CMP) c->r[d->rm] = r;
    return 0;
  }
  case X86K_ALU_RM: {
    int alu = (d->op >> 3) & 7;
    CHK(x86_load(c, x86_ea64(c, d), d->osize, &v));
    uint64_t r = x86_alu_fast(c, alu, d->osize, c->r[d->reg], v);
    if (alu != ALU_CMP) c->r[d->reg] = r;
    return 0;
  }
  case X86K_ALU_MR: case X86K_ALU_MI: {
    int alu = d->kind == X86K_ALU_MR ? (d->op >> 3) & 7 : d->reg & 7;
    uint64_t ea = x86_ea64(c, d);
    CHK(x86_load(c, ea, d->osize, &v));
    uint64_t r = x86_alu_fast(c, alu, d->osize, v, d->kind == X86K_ALU_MR ? c->r[d->reg] : d->imm);
    return alu != ALU_CMP ? x86_store(c, ea, d->osize, r) : 0;
  }
  case X86K_TEST_RR: x86_alu_fast(c, ALU_AND, d->osize, c->r[d->rm], c->r[d->reg]); return 0;
  case X86K_MOV_RI: c->r[d->rm] = d->imm; return 0; /* a 32-bit immediate was read zero-extended */
  case X86K_PUSH_R: return x86_push_inline(c, 8, c->r[d->rm]);
  case X86K_POP_R: /* POP RSP: the loaded value wins over the increment */
    CHK(x86_pop_inline(c, 8, &v));
    c->r[d->rm] = v;
    return 0;
  case X86K_CALL:
    CHK(x86_push_inline(c, 8, rip + d->len));
    return jump(c, rip + d->len + d->imm);
  case X86K_RET:
    CHK(x86_pop_inline(c, 8, &v));
    return jump(c, v);
  case X86K_ALU8:
    if (d->op == 0x80 && (d->reg & 6) != 2) { /* r/m8 op= imm8 but ADC/SBB, inline (a call costs the wasm build its registers) */
      int alu = d->reg & 7;
      uint64_t r;
      if (d->mod == 3) {
        uint8_t *p = x86_reg8(c, d, d->rm);
        r = x86_alu_fast(c, alu, 1, *p, d->imm);
        if (alu != ALU_CMP) *p = (uint8_t)r;
        return 0;
      }
      uint64_t ea = x86_ea64(c, d);
      CHK(x86_load(c, ea, 1, &v));
      r = x86_alu_fast(c, alu, 1, v, d->imm);
      return alu != ALU_CMP ? x86_store(c, ea, 1, r) : 0;
    }
    return exec_alu8(c, d);
  case X86K_TEST: return exec_test(c, d);
  case X86K_INCDEC:
    if (d->mod == 3 && d->op == 0xff && c->cc_op >= CC_ADD && c->cc_op != CC_SHL && c->cc_op != CC_SHR) {
      /* a register's INC/DEC after ADD, SUB, a logic op or INC/DEC inline: CF kept as x86_incdec
       * takes it from the lazy state */
      uint64_t m = x86_masks[d->osize], a = c->r[d->rm] & m, cf;
      if (c->cc_op == CC_SUB) cf = c->cc_a < c->cc_b;
      else if (c->cc_op == CC_ADD) cf = c->cc_res < c->cc_a;
      else if (c->cc_op == CC_LOGIC) cf = 0;
      else cf = c->cc_b;
      uint64_t r = ((d->reg & 1) ? a - 1 : a + 1) & m;
      c->cc_op = (d->reg & 1) ? CC_DEC : CC_INC; c->cc_size = d->osize;
      c->cc_a = a; c->cc_b = cf; c->cc_res = r;
      if (d->osize == 2) c->r[d->rm] = (c->r[d->rm] & ~0xffffULL) | r;
      else c->r[d->rm] = r;
      return 0;
    }
    return exec_incdec(c, d);
  case X86K_MOV8:
    if (d->op == 0x88) {
      uint8_t b = *x86_reg8(c, d, d->reg);
      if (d->mod == 3) { *x86_reg8(c, d, d->rm) = b; return 0; }
      return x86_store(c, x86_ea64(c, d), 1, b);
    }
    if (d->mod == 3) v = *x86_reg8(c, d, d->rm);
    else CHK(x86_load(c, x86_ea64(c, d), 1, &v));
    *x86_reg8(c, d, d->reg) = (uint8_t)v;
    return 0;
  case X86K_MOV_MI: return x86_store(c, x86_ea64(c, d), d->op == 0xc6 ? 1 : d->osize, d->imm);
  case X86K_JMP: return jump(c, rip + d->len + d->imm);
  case X86K_MOVX: { /* MOVZX MOVSX with 32/64-bit destinations (a 32-bit one zero-extends) */
    int s = (d->op & 1) ? 2 : 1;
    if (d->mod == 3) v = s == 1 ? *x86_reg8(c, d, d->rm) : (uint16_t)c->r[d->rm];
    else CHK(x86_load(c, x86_ea64(c, d), s, &v));
    if (d->op >= 0x1be) v = x86_sext(v, s);
    c->r[d->reg] = d->osize == 8 ? v : (uint32_t)v;
    return 0;
  }
  case X86K_CMP_JCC: { /* x86_block.c: the Jcc is the next slot's; a fault is the compare's own */
    const X86Insn *j = fused_jcc(d);
    uint64_t a, b;
    if (d->mod == 3) v = c->r[d->rm];
    else CHK(x86_load(c, x86_ea64(c, d), d->osize, &v));
    if (d->op == 0x3b) a = c->r[d->reg], b = v;          /* CMP reg, r/m */
    else a = v, b = d->op == 0x81 || d->op == 0x83 ? d->imm : c->r[d->reg]; /* CMP r/m, imm or reg; TEST */
    x86_alu_fast(c, d->op == 0x85 ? ALU_AND : ALU_CMP, d->osize, a, b);
    if (!x86_cond_fast(c, j->op & 15)) return X86_FUSED;
    c->rip = rip + d->len + j->len + j->imm;
    return X86_FUSED_TAKEN;
  }
  case X86K_FLAGS_JCC: { /* the flags from the out-of-line paths, the Jcc inline as above */
    const X86Insn *j = fused_jcc(d);
    if (d->op == 0x80 || d->op == 0x84 || d->op == 0x3a || d->op == 0xf6) { /* CMP r/m8, imm8; TEST r/m8, r8; CMP r8, r/m8; TEST r/m8, imm8: inline */
      uint64_t a, b;
      if (d->mod == 3) a = *x86_reg8(c, d, d->rm);
      else CHK(x86_load(c, x86_ea64(c, d), 1, &a));
      b = d->op == 0x80 || d->op == 0xf6 ? d->imm : *x86_reg8(c, d, d->reg);
      if (d->op == 0x3a) v = a, a = b, b = v;
      x86_alu_fast(c, d->op == 0x84 || d->op == 0xf6 ? ALU_AND : ALU_CMP, 1, a, b);
    } else CHK(d->op < 0x40 ? exec_alu8(c, d) : exec_test(c, d));
    if (!x86_cond_fast(c, j->op & 15)) return X86_FUSED;
    c->rip = rip + d->len + j->len + j->imm;
    return X86_FUSED_TAKEN;
  }
  case X86K_CMOV: /* the source is read (and may fault) whatever the condition; a 32-bit destination is zero-extended either way */
    if (d->mod == 3) v = c->r[d->rm];
    else CHK(x86_load(c, x86_ea64(c, d), d->osize, &v));
    if (x86_cond_fast(c, d->op & 15)) c->r[d->reg] = d->osize == 8 ? v : (uint32_t)v;
    else if (d->osize == 4) c->r[d->reg] = (uint32_t)c->r[d->reg];
    return 0;
  case X86K_SETCC: {
    uint8_t b = x86_cond_fast(c, d->op & 15);
    if (d->mod == 3) { *x86_reg8(c, d, d->rm) = b; return 0; }
    return x86_store(c, x86_ea64(c, d), 1, b);
  }
  case X86K_NOP: return 0;
  case X86K_XMM_LOAD: case X86K_XMM_STORE: { /* MOVAPS MOVAPD MOVDQA (66) need 16-byte alignment (#GP) */
    X86Xmm *x = &c->xmm[d->reg];
    if (d->mod == 3) {
      if (d->kind == X86K_XMM_LOAD) *x = c->xmm[d->rm];
      else c->xmm[d->rm] = *x;
      return 0;
    }
    uint64_t ea = x86_ea64(c, d);
    if ((ea & 15) && d->rep == REP_NONE && d->op != 0x110 && d->op != 0x111) return EXC_GP;
    return d->kind == X86K_XMM_LOAD ? x86_load_bytes(c, ea, x, 16) : x86_store_bytes(c, ea, x, 16);
  }
  case X86K_JMP_IND: /* the target is read before CALL pushes */
    if (d->mod == 3) v = c->r[d->rm];
    else CHK(x86_load(c, x86_ea64(c, d), 8, &v));
    if ((d->reg & 7) == 2) CHK(x86_push_inline(c, 8, rip + d->len));
    return jump(c, v);
  case X86K_MOVSXD:
    if (d->mod == 3) v = (uint32_t)c->r[d->rm];
    else CHK(x86_load(c, x86_ea64(c, d), 4, &v));
    c->r[d->reg] = x86_sext(v, 4);
    return 0;
  case X86K_GENERIC: break;
  default: __builtin_unreachable(); /* no other kind: the jump table needs no range check */
  }
  /* the general paths may set rip and return 0 (a far transfer, SYSCALL): the loop advances rip
   * after a 0 without looking (ADR 0053), so such a return becomes X86_OK here, off the short paths */
  uint64_t next = rip + d->len;
  int r = d->op >= 0x100 ? exec_0f(c, d, next) : exec_1byte(c, d, next);
  return r == 0 && c->rip != rip ? X86_OK : r;
}

/* the instruction outside blocks (x86_run's rare path: one crossing a page's end, or code outside
 * the fetch fast path) calls its copy of exec_one, so x86_run holds only the block loop's */
static __attribute__((noinline)) int exec_one_outside(X86Cpu *c, const X86Insn *d, uint64_t rip) {
  return exec_one(c, d, rip);
}

#ifdef __wasm__
/* in .bss: zero without an allocator's memset of its 12 MiB of tables (ADR 0058), and at a
 * link-time address, so x86_run's field accesses need no register for the CPU pointer, which V8
 * otherwise kept in a stack slot and reloaded (ADR 0059) */
static X86Cpu cpu_static __attribute__((aligned(64)));
static bool cpu_taken;
#endif

X86Cpu *x86_cpu_new(void) {
#ifdef __wasm__
  if (cpu_taken) return NULL;
  cpu_taken = true;
  return &cpu_static;
#else
  return calloc(1, sizeof(X86Cpu));
#endif
}

void x86_cpu_free(X86Cpu *c) {
#ifdef __wasm__
  (void)c; /* the static one stays taken: it is no longer zero */
#else
  free(c);
#endif
}

void x86_reset(X86Cpu *c) {
  memset(c->r, 0, sizeof c->r);
  memset(c->xmm, 0, sizeof c->xmm);
  c->rip = 0;
  c->ea_zero = 0;
  c->ea_one = 1;
  c->rflags = FLAG_FIXED1;
  c->cc_op = CC_NONE;
  c->mxcsr = MXCSR_DEFAULT;
  c->fcw = 0x037f; /* FNINIT's state */
  c->fsw = 0;
  c->ftw = 0;
  c->fs_base = c->gs_base = c->kernel_gs_base = 0;
  c->efer = c->star = c->lstar = c->cstar = c->fmask = 0;
  c->instret = 0;
  c->rng_left = 0;
  x86_set_user(c, c->cpl == 3);
  x86_tlb_flush(c, false); /* a zeroed entry would map page 0: x86_fast_at tries the TLB with paging off too */
  x86_dcache_flush(c);
}

void x86_dcache_flush(X86Cpu *c) {
  c->dc = (X86Decoded *)(((uintptr_t)c->dcache_mem + 63) & ~(uintptr_t)63);
  c->blk = (X86Slot *)(((uintptr_t)c->blk_mem + 63) & ~(uintptr_t)63);
  for (int i = 0; i < X86_DC_SIZE; i++) c->dc[i].rip = 1; /* never the rip of a cached entry */
  for (int i = 0; i < X86_BLK_MAP; i++) c->blk_map[i].rip = 1;
  c->blk_used = 0;
  x86_fetch_forget(c); /* the run loop leaves the block it is in */
}

/* rip in the last 15 bytes of a page, outside blocks (an instruction crossing into the next page,
 * or the flat window's): one that ends in the page is cached like any other but compared on its
 * own bytes only, as the next page may not be readable; one that crosses is decoded anew each time */
static __attribute__((noinline)) int fetch_page_end(X86Cpu *c, X86Decoded *e, const uint8_t *p,
                                                   const X86Insn **out, X86Insn *tmp) {
  unsigned room = 4096 - (unsigned)(c->rip & 0xfff);
  if (e->rip == c->rip && e->insn.len <= room && !memcmp(p, e->raw, e->insn.len)) {
    *out = &e->insn;
    return 0;
  }
  *out = tmp;
  int err = x86_fetch_slow(c, tmp);
  if (err || tmp->len > room) return err;
  e->insn = *tmp;
  e->rip = c->rip;
  memset(e->raw, 0, sizeof e->raw);
  memcpy(e->raw, p, room);
  *out = &e->insn;
  return 0;
}

/* the cached decode of the instruction at p (host memory of rip, 16 readable bytes), or a fresh
 * one. The cache is keyed by linear rip and checked against the bytes at rip, so address space
 * switches and stores into code need no flush; only a change of code size (x86_set_mode) does. */
static inline __attribute__((always_inline)) int decoded_at(X86Cpu *c, X86Decoded *e, const uint8_t *p,
                                                          const X86Insn **out) {
  uint64_t raw[2];
  memcpy(&raw[0], p, 8);
  if (X86_LIKELY(e->rip == c->rip && e->raw[0] == raw[0])) {
    /* the second 8 bytes matter only for a longer instruction */
    if (X86_LIKELY(e->insn.len <= 8)) { *out = &e->insn; return 0; }
    memcpy(&raw[1], p + 8, 8);
    if (e->raw[1] == raw[1]) { *out = &e->insn; return 0; }
  }
  memcpy(&raw[1], p + 8, 8);
  int err = x86_decode(c, &e->insn, p, 15);
  if (err) { e->rip = 1; return err; }
  e->rip = c->rip;
  e->raw[0] = raw[0];
  e->raw[1] = raw[1];
  *out = &e->insn;
  return 0;
}

/* rip left the code page of the last fetch (or that was forgotten): find the new page in the flat
 * window or the fetch TLB and remember it for the fetches that follow; false if neither has it */
static __attribute__((noinline)) bool fetch_find_page(X86Cpu *c) {
  uint64_t rip = c->rip, page = rip & ~0xfffULL;
  if (c->mem_size >= 4096 && page >= c->mem_base && page - c->mem_base <= c->mem_size - 4096) {
    c->fetch_va = page;
    c->fetch_addend = (uint64_t)(uintptr_t)c->mem - c->mem_base;
  } else {
    if (!c->paging) return false;
    const X86TlbEntry *t = &c->tlb_at[ACC_X][(rip >> 12) & (X86_TLB_SIZE - 1)];
    if (t->tag != page) return false; /* x86_fetch_slow fills the TLB: the next fetch finds it */
    c->fetch_va = page;
    c->fetch_addend = t->addend;
  }
  c->fetch_gen = c->code_gen[(c->fetch_addend + page - (uint64_t)(uintptr_t)c->mem) >> 12] & ~X86_CODE_WMAPPED;
  return true;
}

/* the fetch outside blocks: an instruction crossing a page's end, a page the fast path does not
 * know yet (found here, or decoded the slow way), the flat window's partial pages */
static __attribute__((noinline)) int fetch_new_page(X86Cpu *c, X86Decoded *e, const X86Insn **out, X86Insn *tmp) {
  uint64_t rip = c->rip, off = rip - c->mem_base;
  if ((rip & ~0xfffULL) == c->fetch_va || fetch_find_page(c)) {
    const uint8_t *p = (const uint8_t *)(uintptr_t)(c->fetch_addend + rip);
    if ((rip & 0xfff) > 4096 - 16) return fetch_page_end(c, e, p, out, tmp);
    return decoded_at(c, e, p, out);
  }
  if (c->mem_size >= 16 && off <= c->mem_size - 16) return decoded_at(c, e, c->mem + off, out);
  *out = tmp;
  return x86_fetch_slow(c, tmp);
}

/* a block at rip, whose first slot is *s: the map's, or decoded now. The page of the last fetch is
 * kept (c->fetch_va, forgotten by every TLB flush, CPL change, cache flush and slice start); a rip
 * outside it, or at an instruction that runs past its end, is not in a block (NULL with no error:
 * fetch_new_page's way) */
static __attribute__((noinline)) X86BlockRef *block_at(X86Cpu *c, int *err) {
  /* the entry is returned, the rare error stored: x86_run's slot pointers, whose addresses were
   * taken here before, then lived in wasm's stack memory, not in locals (ADR 0039) */
  uint64_t rip = c->rip;
  if ((rip & ~0xfffULL) != c->fetch_va && !fetch_find_page(c)) return NULL;
  X86BlockRef *r = &c->blk_map[x86_blk_hash(rip)];
  if (X86_UNLIKELY(r->rip != rip || r->gen != c->fetch_gen)) {
    int e = x86_block_build(c, r, rip);
    if (e) {
      if (e != X86_BLOCK_NONE) *err = e;
      return NULL;
    }
  }
  return r;
}

/* system mode: deliver the fault through the IDT and go on, unless the processor shut down */
static int fault(X86Cpu *c, int e) {
  if (!c->system || e < EXC_BASE || e >= EXC_BASE + 32) return e;
  return x86_exception(c, e);
}

int x86_run(X86Cpu *c, uint64_t budget, uint64_t *executed) {
#ifdef __wasm__
  c = &cpu_static; /* the only one (x86_cpu_new): the compiler sees its address */
#endif
  uint64_t n = 0;
  int rc = X86_STOP_BUDGET;
  x86_fetch_forget(c); /* the board or the runner may have changed memory between slices */
  if (X86_UNLIKELY(c->code_next > X86_CODE_GEN_MAX)) x86_code_reset(c); /* generations run out: start again */
  /* external interrupts are taken here, between slices and after an instruction that may have
   * unmasked them (X86_EVENT*), which keeps the per-instruction loop free of the check */
  if (c->system) {
    if (c->stop_request) { c->stop_request = false; c->mem_size = c->paging ? 0 : c->ram_size; }
    int e = x86_check_intr(c);
    if (e) { *executed = 0; return e; }
  }
  X86Insn *link = NULL; /* a direct branch just taken to its own page: chained to the block found next */
  /* a round of this loop runs one block, from its map entry or a chain (or one instruction outside
   * blocks); the instructions inside it pay only for their own dispatch, rip and the two exits
   * below: the budget is the block's end moved in (run_lim), the count the slots passed (ADR 0058) */
  while (n < budget) {
    uint64_t rip = c->rip;
    const X86Insn *d;
    int e;
    int berr = 0;
    X86Insn *from = link; /* chained only after the inline lookup: a block built now may have refilled the arena */
    link = NULL;
    X86BlockRef *ref = &c->blk_map[x86_blk_hash(rip)]; /* the common case inline: a block of the fetch page */
    uint64_t page = rip & ~0xfffULL;
    if (X86_UNLIKELY(page != c->fetch_va) && c->paging) {
      /* another code page, in the fetch TLB: fetch_find_page's common case, here to spare a
       * boot's 3.7 M cross-page block entries two calls (ADR 0058) */
      const X86TlbEntry *t = &c->tlb_at[ACC_X][(rip >> 12) & (X86_TLB_SIZE - 1)];
      if (t->tag == page) {
        c->fetch_va = page;
        c->fetch_addend = t->addend;
        c->fetch_gen = c->code_gen[(t->addend + page - (uint64_t)(uintptr_t)c->mem) >> 12] & ~X86_CODE_WMAPPED;
      }
    }
    if (X86_UNLIKELY(ref->rip != rip || page != c->fetch_va || ref->gen != c->fetch_gen)) {
      ref = block_at(c, &berr);
      from = NULL;
    }
    if (X86_UNLIKELY(ref == NULL)) { /* outside blocks (ADR 0039): one instruction the old way */
      X86Insn tmp;
      if (berr) { e = berr; goto fetch_fault; }
      X86Decoded *de = &c->dc[(rip ^ (rip >> 12)) & (X86_DC_SIZE - 1)];
      const X86Insn *dslow; /* d's address is not taken: it stays a local in wasm */
      if (X86_UNLIKELY((e = fetch_new_page(c, de, &dslow, &tmp)))) goto fetch_fault;
      d = dslow;
      e = exec_one_outside(c, d, rip);
      if (e == 0) { c->rip = rip + d->len; n++; continue; }
      if (e == X86_FUSED || e == X86_FUSED_TAKEN) __builtin_unreachable(); /* fused pairs are block slots */
      goto other;
    }
    X86Slot *s = &c->blk[ref->start], *end = s + ref->n;
    if (from) {
      from->chain = ref->start;
      from->chain_n = (uint8_t)ref->n;
    }
  block: {
      /* slots from s run while each falls through, up to the block's end or the budget's (run_lim),
       * and the fetch page is not forgotten (a TLB or cache flush, a CPL change, a store to the
       * block's frame: ADR 0055), which sets run_lim to 0 */
      X86Slot *s0 = s;
      c->run_lim = (uintptr_t)(X86_LIKELY(budget - n >= X86_BLK_MAX) || (uint64_t)(end - s) <= budget - n ? end : s + (budget - n));
      for (;;) {
        d = &s->insn;
        s++;
        e = exec_one(c, d, rip);
        if (X86_LIKELY(e == 0)) {
          rip += d->len; /* a 0 never set rip (exec_one) */
          c->rip = rip;
          if (X86_UNLIKELY((uintptr_t)s >= c->run_lim)) break;
          continue;
        }
        if (e == X86_FUSED) { /* the compare and the Jcc in the next slot, not taken */
          rip += d->len + s->insn.len;
          c->rip = rip;
          s++; /* a pair at the budget's last slot runs whole: n passes the budget by one, as it always could */
          if (X86_UNLIKELY((uintptr_t)s >= c->run_lim)) break;
          continue;
        }
        if (e == X86_FUSED_TAKEN || (e == X86_OK && (d->kind == X86K_JCC || d->kind == X86K_JMP || d->kind == X86K_CALL))) {
          /* a direct branch of a block taken (a fused pair's is the Jcc, in slot s): its target is
           * fixed, so once found in the same page it is chained; the frame's generation is the
           * branch's own, which still holds while the fetch page is not forgotten (ADR 0055) */
          X86Insn *b = e == X86_FUSED_TAKEN ? &s->insn : (X86Insn *)d;
          n += (uint64_t)(s - s0) + (e == X86_FUSED_TAKEN);
          if (b->chain_n && c->fetch_va != 1 && n < budget) {
            rip = c->rip;
            s = &c->blk[b->chain];
            end = s + b->chain_n;
            goto block;
          }
          if (c->fetch_va != 1 && ((c->rip ^ rip) & ~0xfffULL) == 0) link = b;
          goto next_block;
        }
        n += (uint64_t)(s - s0) - 1; /* the instruction that stopped is counted below */
        goto other;
      }
      n += (uint64_t)(s - s0);
      continue;
    }
  other:
    if (e == X86_OK) { n++; continue; } /* a taken branch set rip */
    if (e == X86_STOP_SYSCALL || e == X86_STOP_HLT) { n++; rc = e; break; }
    if (e == X86_EVENT || e == X86_EVENT_JUMPED) {
      if (e == X86_EVENT) c->rip = rip + d->len;
      n++;
      if (c->shadow) { /* STI, MOV SS: one more instruction before interrupts are looked at */
        c->shadow = false;
        if (budget > n + 1) budget = n + 1;
        continue;
      }
      break;
    }
    c->rip = rip;
    if ((e = fault(c, e))) { rc = e; break; }
    continue;
  fetch_fault:
    if ((e = fault(c, e))) { rc = e; break; }
    continue;
  next_block:;
  }
  c->instret += n;
  *executed = n;
  return rc;
}
