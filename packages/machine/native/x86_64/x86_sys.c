/* x86-64 CPU: system instructions (SDM vol. 2, vol. 3 ch. 2.8, 4, 5): MOV to/from segment
 * registers, far transfers, IRET, MOV CRn/DRn, CLTS, LGDT/LIDT/LTR/LLDT and their stores,
 * INVLPG, SWAPGS, SYSRET, RDMSR/WRMSR, IN/OUT/INS/OUTS through the board's port callbacks,
 * CLI/STI, INTO, and the cache no-ops. The user-mode runner (c->system false) gets #UD for all
 * of them, as before this file existed. */
#include "x86.h"
#include "x86_ops.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)
#define PRIV() do { if (c->cpl) return c->exc_err = 0, EXC_GP; } while (0)
#define CR4_ALLOWED (0x4u /* TSD */ | CR4_PSE | CR4_PAE | CR4_PGE | 0x200u /* OSFXSR */ | 0x400u /* OSXMMEXCPT */)

static int gp0(X86Cpu *c) { c->exc_err = 0; return EXC_GP; }
static unsigned iopl(const X86Cpu *c) { return (c->rflags >> 12) & 3; }
static bool mode64(const X86Cpu *c) { return (c->efer & EFER_LMA) && !c->code32; }

static int write_cr(X86Cpu *c, int cr, uint64_t v) {
  switch (cr) {
  case 0: {
    if (v >> 32) return gp0(c);
    if ((v & CR0_PG) && !(v & CR0_PE)) return gp0(c);
    if ((v & CR0_NW) && !(v & CR0_CD)) return gp0(c);
    uint64_t old = c->cr0;
    bool pg_on = !(old & CR0_PG) && (v & CR0_PG), pg_off = (old & CR0_PG) && !(v & CR0_PG);
    if (pg_on && !(c->efer & EFER_LME)) return gp0(c); /* 32-bit and PAE paging: not implemented */
    if (pg_on && !(c->cr4 & CR4_PAE)) return gp0(c);
    if (pg_off && mode64(c)) return gp0(c);
    c->cr0 = v | CR0_ET;
    if (pg_on) c->efer |= EFER_LMA;
    if (pg_off) c->efer &= ~(uint64_t)EFER_LMA;
    if ((old ^ c->cr0) & (CR0_PG | CR0_WP | CR0_PE)) x86_paging_update(c);
    x86_set_mode(c);
    return 0;
  }
  case 2: c->cr2 = v; return 0;
  case 3:
    if (v & 0xfff0000000000000ULL) return gp0(c);
    c->cr3 = v;
    x86_tlb_flush(c, true);
    return 0;
  case 4: {
    if (v & ~(uint64_t)CR4_ALLOWED) return gp0(c);
    if ((c->efer & EFER_LMA) && !(v & CR4_PAE)) return gp0(c);
    uint64_t old = c->cr4;
    c->cr4 = v;
    if ((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE)) x86_tlb_flush(c, false);
    return 0;
  }
  case 8: if (v & ~15ULL) return gp0(c); c->cr8 = v; return 0;
  }
  return EXC_UD;
}

static int mov_cr_dr(X86Cpu *c, const X86Insn *d) {
  int op = d->op & 0xff, n = d->reg, size = mode64(c) ? 8 : 4;
  PRIV();
  if (op == 0x20 || op == 0x22) {
    if (n != 0 && n != 2 && n != 3 && n != 4 && n != 8) return EXC_UD;
    if (op == 0x22) return write_cr(c, n, c->r[d->rm] & x86_mask(size));
    uint64_t v = n == 0 ? c->cr0 : n == 2 ? c->cr2 : n == 3 ? c->cr3 : n == 4 ? c->cr4 : c->cr8;
    c->r[d->rm] = v & x86_mask(size);
    return 0;
  }
  if (n > 7) return EXC_UD;
  if (n == 4 || n == 5) n += 2; /* aliases of DR6/DR7 with CR4.DE clear */
  if (op == 0x23) {
    uint64_t v = c->r[d->rm] & x86_mask(size);
    if ((n == 6 || n == 7) && (v >> 32)) return gp0(c);
    c->dr[n] = n == 6 ? (v | 0xffff0ff0ULL) : n == 7 ? (v | 0x400) & ~0xd000ULL : v;
    return 0;
  }
  c->r[d->rm] = c->dr[n] & x86_mask(size);
  return 0;
}

/* LGDT/LIDT/SGDT/SIDT: a 16-bit limit, then a 64-bit (32-bit in 32-bit code) base */
static int dtr_op(X86Cpu *c, const X86Insn *d, X86Dtr *t, bool load) {
  uint64_t ea = x86_ea(c, d), lim, base;
  int bsize = mode64(c) ? 8 : 4;
  if (load) {
    PRIV();
    CHK(x86_load(c, ea, 2, &lim));
    CHK(x86_load(c, ea + 2, bsize, &base));
    if (d->opsize_prefix && bsize == 4) base &= 0xffffff;
    t->limit = (uint32_t)lim;
    t->base = base;
    return 0;
  }
  CHK(x86_store(c, ea, 2, t->limit));
  return x86_store(c, ea + 2, bsize, t->base);
}

/* LTR/LLDT: a system descriptor from the GDT, 16 bytes in long mode */
static int load_system_seg(X86Cpu *c, const X86Insn *d, bool tr) {
  uint64_t sel, lo, hi = 0;
  PRIV();
  CHK(x86_read_rm(c, d, 2, &sel));
  if ((sel & 0xfffc) == 0) {
    if (tr) return gp0(c);
    c->ldtr = (X86Seg){ .sel = (uint16_t)sel };
    return 0;
  }
  if ((sel & 4) || (sel & ~7ULL) + ((c->efer & EFER_LMA) ? 15 : 7) > c->gdtr.limit) return c->exc_err = sel & 0xfffc, EXC_GP;
  uint64_t addr = c->gdtr.base + (sel & ~7ULL);
  uint8_t u = c->user;
  x86_set_user(c, 0);
  int e = x86_load(c, addr, 8, &lo);
  if (!e && (c->efer & EFER_LMA)) e = x86_load(c, addr + 8, 8, &hi);
  x86_set_user(c, u);
  if (e) return e;
  unsigned type = (lo >> 40) & 0x1f;
  if (tr ? type != 0x09 : type != 0x02) return c->exc_err = sel & 0xfffc, EXC_GP;
  if (!((lo >> 47) & 1)) return c->exc_err = sel & 0xfffc, EXC_NP;
  uint32_t limit = (uint32_t)((lo & 0xffff) | ((lo >> 32) & 0xf0000));
  if (lo & (1ULL << 55)) limit = (limit << 12) | 0xfff;
  X86Seg s = { .sel = (uint16_t)sel, .attr = (uint16_t)((lo >> 40) & 0xf0ff), .limit = limit,
               .base = ((lo >> 16) & 0xffffff) | ((lo >> 32) & 0xff000000) | (hi << 32) };
  if (tr) { /* mark the TSS busy */
    lo |= 2ULL << 40;
    x86_set_user(c, 0);
    e = x86_store(c, addr, 8, lo);
    x86_set_user(c, u);
    if (e) return e;
    s.attr |= 2;
    c->tr = s;
  } else {
    c->ldtr = s;
  }
  return 0;
}

/* VERR/VERW/LAR/LSL: ZF says whether the selector names a descriptor the CPL may use (Linux
 * executes VERW to clear CPU buffers on return to user mode, and LSL in the vDSO's getcpu) */
static int check_sel(X86Cpu *c, const X86Insn *d, int what, uint64_t *lo_out) {
  uint64_t sel, lo = 0;
  CHK(x86_read_rm(c, d, 2, &sel));
  bool ok = (sel & 0xfffc) != 0;
  uint64_t base = (sel & 4) ? c->ldtr.base : c->gdtr.base;
  uint32_t limit = (sel & 4) ? c->ldtr.limit : c->gdtr.limit;
  if (ok && (sel & ~7ULL) + 7 > limit) ok = false;
  if (ok) {
    uint8_t u = c->user;
    x86_set_user(c, 0);
    int e = x86_load(c, base + (sel & ~7ULL), 8, &lo);
    x86_set_user(c, u);
    if (e) return e;
    unsigned type = (lo >> 40) & 0x1f, dpl = (lo >> 45) & 3, rpl = sel & 3;
    bool conforming = (type & 0x1c) == 0x1c;
    if (!conforming && (dpl < c->cpl || dpl < rpl)) ok = false;
    else if (what == 0) ok = (type & 0x10) && ((type & 0x08) == 0 || (type & 0x02));         /* VERR */
    else if (what == 1) ok = (type & 0x1a) == 0x12;                                        /* VERW */
    else ok = (type & 0x10) || type == 0x02 || type == 0x09 || type == 0x0b;               /* LAR LSL */
  }
  x86_flags_sync(c);
  c->rflags = (c->rflags & ~(uint64_t)FLAG_ZF) | (ok ? FLAG_ZF : 0);
  *lo_out = ok ? lo : ~0ULL;
  return 0;
}

static int group6(X86Cpu *c, const X86Insn *d) { /* 0F 00 */
  switch (d->reg & 7) {
  case 0: return x86_write_rm(c, d, d->mod == 3 ? d->osize : 2, c->ldtr.sel); /* SLDT */
  case 1: return x86_write_rm(c, d, d->mod == 3 ? d->osize : 2, c->tr.sel);   /* STR */
  case 2: return load_system_seg(c, d, false);
  case 3: return load_system_seg(c, d, true);
  case 4: case 5: { uint64_t lo; return check_sel(c, d, (d->reg & 7) - 4, &lo); }
  default: return EXC_UD;
  }
}

static int group7(X86Cpu *c, const X86Insn *d) { /* 0F 01 */
  int r = d->reg & 7;
  if (d->mod == 3) {
    if (r == 7 && (d->rm & 7) == 0) { /* SWAPGS */
      if (!mode64(c)) return EXC_UD;
      PRIV();
      uint64_t t = c->gs_base;
      c->gs_base = c->kernel_gs_base;
      c->kernel_gs_base = t;
      return 0;
    }
    if (r == 4) return x86_write_rm(c, d, d->osize, c->cr0 & 0xffff); /* SMSW r */
    if (r == 6) { /* LMSW: PE can be set, not cleared; MP EM TS */
      PRIV();
      uint64_t v = c->r[d->rm] & 0xf;
      return write_cr(c, 0, (c->cr0 & ~0xeULL) | v | (c->cr0 & CR0_PE));
    }
    return EXC_UD; /* MONITOR/MWAIT, CLAC/STAC, XGETBV, RDTSCP, VMX: not advertised */
  }
  switch (r) {
  case 0: return dtr_op(c, d, &c->gdtr, false);
  case 1: return dtr_op(c, d, &c->idtr, false);
  case 2: return dtr_op(c, d, &c->gdtr, true);
  case 3: return dtr_op(c, d, &c->idtr, true);
  case 4: return x86_store(c, x86_ea(c, d), 2, c->cr0 & 0xffff); /* SMSW m16 */
  case 6: {
    uint64_t v;
    PRIV();
    CHK(x86_load(c, x86_ea(c, d), 2, &v));
    return write_cr(c, 0, (c->cr0 & ~0xeULL) | (v & 0xf) | (c->cr0 & CR0_PE));
  }
  case 7: PRIV(); x86_tlb_flush_page(c, x86_ea(c, d)); return 0; /* INVLPG */
  default: return EXC_UD;
  }
}

static uint32_t io_in(X86Cpu *c, uint16_t port, int size) {
  return c->bus.io_in ? c->bus.io_in(c->bus.ctx, port, size) : 0xffffffffu;
}

static void io_out(X86Cpu *c, uint16_t port, int size, uint32_t v) {
  if (c->bus.io_out) c->bus.io_out(c->bus.ctx, port, size, v & (uint32_t)x86_mask(size));
}

/* INS/OUTS with REP; rDI/rSI/rCX advance per element, so a fault restarts where it stopped */
static int ins_outs(X86Cpu *c, const X86Insn *d) {
  int size = (d->op & 1) ? (d->osize == 2 ? 2 : 4) : 1;
  uint64_t am = d->asize == 4 ? 0xffffffffULL : ~0ULL, v;
  int64_t step = (c->rflags & FLAG_DF) ? -size : size;
  uint16_t port = (uint16_t)c->r[R_RDX];
  bool rep = d->rep != REP_NONE;
  uint64_t seg = d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0;
  for (;;) {
    if (rep && (c->r[R_RCX] & am) == 0) return 0;
    if (d->op <= 0x6d) {
      CHK(x86_store(c, c->r[R_RDI] & am, size, io_in(c, port, size)));
      c->r[R_RDI] = (c->r[R_RDI] + step) & am;
    } else {
      CHK(x86_load(c, (c->r[R_RSI] + seg) & am, size, &v));
      io_out(c, port, size, (uint32_t)v);
      c->r[R_RSI] = (c->r[R_RSI] + step) & am;
    }
    if (!rep) return 0;
    c->r[R_RCX] = (c->r[R_RCX] - 1) & am;
  }
}

int x86_exec_sys(X86Cpu *c, const X86Insn *d, uint64_t next) {
  if (!c->system) return EXC_UD;
  int op = d->op;
  uint64_t v, w;
  static const int8_t push_pop_seg[32] = { /* 06 07 0E 16 17 1E 1F: ES ES CS SS SS DS DS */
    [0x06] = S_ES, [0x07] = S_ES, [0x0e] = S_CS, [0x16] = S_SS, [0x17] = S_SS, [0x1e] = S_DS, [0x1f] = S_DS };
  switch (op) {
  case 0x06: case 0x0e: case 0x16: case 0x1e: case 0x1a0: case 0x1a8: {
    int s = op == 0x1a0 ? S_FS : op == 0x1a8 ? S_GS : push_pop_seg[op];
    return x86_push(c, d->ssize, c->seg[s].sel);
  }
  case 0x07: case 0x17: case 0x1f: case 0x1a1: case 0x1a9: {
    int s = op == 0x1a1 ? S_FS : op == 0x1a9 ? S_GS : push_pop_seg[op];
    CHK(x86_load(c, c->r[R_RSP], d->ssize, &v));
    CHK(x86_load_seg(c, s, (uint16_t)v));
    c->r[R_RSP] += d->ssize;
    if (s == S_SS) { c->shadow = true; return X86_EVENT; }
    return 0;
  }
  case 0x8c: /* MOV r/m, Sreg: a register gets the selector zero-extended */
    if ((d->reg & 7) > 5) return EXC_UD;
    return x86_write_rm(c, d, d->mod == 3 ? d->osize : 2, c->seg[d->reg & 7].sel);
  case 0x8e: { /* MOV Sreg, r/m16 */
    int s = d->reg & 7;
    if (s == S_CS || s > S_GS) return EXC_UD;
    CHK(x86_read_rm(c, d, 2, &v));
    CHK(x86_load_seg(c, s, (uint16_t)v));
    if (s == S_SS) { c->shadow = true; return X86_EVENT; }
    return 0;
  }
  case 0x9a: case 0xea: /* far CALL/JMP ptr16:32 (32-bit code only) */
    return x86_far_jump(c, d->imm2, d->imm, op == 0x9a, d->osize, next);
  case 0xff: { /* far CALL/JMP m16:32 / m16:64 */
    if (d->mod == 3) return EXC_UD;
    uint64_t ea = x86_ea(c, d);
    CHK(x86_load(c, ea, d->osize, &v));
    CHK(x86_load(c, ea + d->osize, 2, &w));
    return x86_far_jump(c, (uint16_t)w, v, (d->reg & 7) == 3, d->osize, next);
  }
  case 0xca: case 0xcb: return x86_far_ret(c, d->osize, op == 0xca ? (uint16_t)d->imm : 0);
  case 0xcf: return x86_iret(c, d->osize);
  case 0xce: /* INTO (32-bit code only) */
    return x86_cond(c, 0 /* O */) ? x86_interrupt(c, 4, true, next) : 0;
  case 0xe4: case 0xe5: case 0xec: case 0xed: case 0xe6: case 0xe7: case 0xee: case 0xef: {
    if (c->cpl > iopl(c)) return gp0(c); /* no I/O permission bitmap */
    int size = (op & 1) ? (d->osize == 2 ? 2 : 4) : 1;
    uint16_t port = op < 0xe8 ? (uint16_t)(d->imm & 0xff) : (uint16_t)c->r[R_RDX];
    if (op & 2) io_out(c, port, size, (uint32_t)c->r[R_RAX]);
    else x86_set_reg(c, d, R_RAX, size, io_in(c, port, size));
    return c->stop_request ? X86_EVENT : 0;
  }
  case 0x6c: case 0x6d: case 0x6e: case 0x6f:
    if (c->cpl > iopl(c)) return gp0(c);
    return ins_outs(c, d);
  case 0xfa: /* CLI */
    if (c->cpl > iopl(c)) return gp0(c);
    c->rflags &= ~(uint64_t)FLAG_IF;
    return 0;
  case 0xfb: /* STI: interrupts wait one more instruction */
    if (c->cpl > iopl(c)) return gp0(c);
    if (c->rflags & FLAG_IF) return 0;
    c->rflags |= FLAG_IF;
    c->shadow = true;
    return X86_EVENT;
  case 0x100: return group6(c, d);
  case 0x102: case 0x103: { /* LAR, LSL: the destination changes only when ZF is set */
    uint64_t lo;
    CHK(check_sel(c, d, 2, &lo));
    if (lo == ~0ULL) return 0;
    uint64_t v = (lo >> 32) & 0x00f0ff00;
    if (op == 0x103) {
      v = (lo & 0xffff) | ((lo >> 32) & 0xf0000);
      if (lo & (1ULL << 55)) v = (v << 12) | 0xfff;
    }
    x86_set_reg(c, d, d->reg, d->osize == 2 ? 2 : 4, v);
    return 0;
  }
  case 0x101: return group7(c, d);
  case 0x106: PRIV(); c->cr0 &= ~(uint64_t)CR0_TS; return 0; /* CLTS */
  case 0x107: return x86_sysret(c, (d->rex & 8) != 0);
  case 0x108: case 0x109: PRIV(); return 0; /* INVD WBINVD: no caches */
  case 0x120: case 0x121: case 0x122: case 0x123: return mov_cr_dr(c, d);
  case 0x130: /* WRMSR */
    PRIV();
    return x86_wrmsr(c, (uint32_t)c->r[R_RCX], (uint32_t)c->r[R_RAX] | (c->r[R_RDX] << 32));
  case 0x132: /* RDMSR */
    PRIV();
    CHK(x86_rdmsr(c, (uint32_t)c->r[R_RCX], &v));
    c->r[R_RAX] = (uint32_t)v;
    c->r[R_RDX] = v >> 32;
    return 0;
  default:
    return EXC_UD;
  }
}
