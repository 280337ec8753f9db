/* x86-64 CPU: segmentation as far as Linux's boot and its 64-bit kernel need it (SDM vol. 3
 * ch. 3, 5, 6): descriptor loads into the segment registers, far JMP/CALL/RET, IRET, SYSCALL/
 * SYSRET's fixed segments, and event delivery through the 64-bit IDT (gates, IST, the stack
 * switch to TSS.RSPn, error codes, #DF, shutdown). Segment bases other than FS/GS are taken as
 * 0 (flat segments, as Linux sets them up); 16-bit code, call gates, task switches and the
 * legacy 32-bit IDT are not implemented. */
#include "x86.h"
#include "x86_mem.h"

/* flat descriptor-cache attributes (descriptor bits 40..55) */
#define ATTR_CODE64 0x209b
#define ATTR_CODE32 0xc09b
#define ATTR_DATA 0xc093
#define DPL3 0x60

static int gp(X86Cpu *c, uint32_t err) { c->exc_err = err; return EXC_GP; }
static int np(X86Cpu *c, int exc, uint32_t err) { c->exc_err = err; return exc; }
static bool long_mode(const X86Cpu *c) { return (c->efer & EFER_LMA) != 0; }
static bool mode64(const X86Cpu *c) { return long_mode(c) && !c->code32; }

static uint16_t desc_attr(uint64_t lo) { return (uint16_t)((lo >> 40) & 0xf0ff); }
static uint64_t desc_base(uint64_t lo) { return ((lo >> 16) & 0xffffff) | ((lo >> 32) & 0xff000000); }
static uint32_t desc_limit(uint64_t lo) {
  uint32_t l = (uint32_t)((lo & 0xffff) | ((lo >> 32) & 0xf0000));
  return (lo & (1ULL << 55)) ? (l << 12) | 0xfff : l;
}

/* descriptor-table and TSS accesses are supervisor accesses whatever the CPL */
static int sys_access(X86Cpu *c, uint64_t va, void *buf, int n, bool write) {
  uint8_t u = c->user;
  x86_set_user(c, 0);
  int e = write ? x86_store_bytes(c, va, buf, n) : x86_load_bytes(c, va, buf, n);
  x86_set_user(c, u);
  return e;
}

static int read_desc(X86Cpu *c, uint16_t sel, uint64_t *lo, uint64_t *addr) {
  uint64_t base = (sel & 4) ? c->ldtr.base : c->gdtr.base;
  uint32_t limit = (sel & 4) ? c->ldtr.limit : c->gdtr.limit;
  if ((uint32_t)(sel & ~7u) + 7 > limit) return gp(c, sel & 0xfffc);
  *addr = base + (sel & ~7u);
  return sys_access(c, *addr, lo, 8, false);
}

/* the processor sets a descriptor's accessed bit when it loads it */
static int set_accessed(X86Cpu *c, uint64_t lo, uint64_t addr) {
  if (lo & (1ULL << 40)) return 0;
  lo |= 1ULL << 40;
  return sys_access(c, addr, &lo, 8, true);
}

void x86_set_mode(X86Cpu *c) {
  bool c32 = !long_mode(c) || !(c->seg[S_CS].attr & SEG_ATTR_L);
  if (c32 != c->code32) { c->code32 = c32; x86_dcache_flush(c); }
  x86_set_user(c, c->cpl == 3);
  x86_fetch_forget(c); /* the fetch TLB half of the new CPL decides */
}

static void set_seg(X86Cpu *c, int s, uint16_t sel, uint16_t attr, uint64_t base, uint32_t limit) {
  c->seg[s] = (X86Seg){ .sel = sel, .attr = attr, .limit = limit, .base = base };
  if (s == S_FS) c->fs_base = base;
  if (s == S_GS) c->gs_base = base;
}

void x86_system_reset(X86Cpu *c) {
  c->system = true;
  c->cr0 = CR0_PE | CR0_ET;
  c->cr2 = c->cr3 = c->cr4 = c->cr8 = 0;
  memset(c->dr, 0, sizeof c->dr);
  c->dr[6] = 0xffff0ff0; c->dr[7] = 0x400;
  c->cpl = 0;
  /* PVH boot ABI: flat 32-bit code and data segments, TR a 32-bit TSS, paging off */
  set_seg(c, S_CS, 0x10, ATTR_CODE32, 0, 0xffffffff);
  for (int s = 0; s < 6; s++) if (s != S_CS) set_seg(c, s, 0x18, ATTR_DATA, 0, 0xffffffff);
  c->tr = (X86Seg){ .sel = 0x20, .attr = 0x8b, .limit = 0x67 };
  c->ldtr = (X86Seg){ 0 };
  c->gdtr = c->idtr = (X86Dtr){ 0, 0xffff };
  c->apic_base = 0xfee00900; /* enabled, bootstrap processor */
  c->pat = 0x0007040600070406ULL;
  c->misc_enable = 1; /* fast strings, as QEMU reports */
  c->mtrr_def_type = 0;
  c->shadow = false;
  c->code32 = false; /* forces x86_set_mode to flush the decoded instructions */
  x86_set_mode(c);
  x86_paging_update(c);
}

int x86_load_seg(X86Cpu *c, int s, uint16_t sel) {
  uint64_t lo, addr;
  if ((sel & 0xfffc) == 0) {
    /* a null SS only in 64-bit mode below CPL 3 with RPL = CPL */
    if (s == S_SS && (!mode64(c) || c->cpl == 3 || (sel & 3) != c->cpl)) return gp(c, 0);
    set_seg(c, s, sel, 0, 0, 0); /* FS/GS bases become 0, as on Intel and QEMU */
    return 0;
  }
  int e = read_desc(c, sel, &lo, &addr);
  if (e) return e;
  uint16_t a = desc_attr(lo);
  unsigned dpl = SEG_ATTR_DPL(a), rpl = sel & 3, type = a & 0x1f;
  if (s == S_SS) {
    if ((type & 0x1a) != 0x12 || rpl != c->cpl || dpl != c->cpl) return gp(c, sel & 0xfffc);
    if (!(a & SEG_ATTR_P)) return np(c, EXC_SS, sel & 0xfffc);
  } else {
    /* data, or readable code; not conforming code needs DPL >= CPL and RPL */
    if (!(type & 0x10) || (type & 0x0a) == 0x08) return gp(c, sel & 0xfffc);
    if ((type & 0x0c) != 0x0c && (rpl > dpl || c->cpl > dpl)) return gp(c, sel & 0xfffc);
    if (!(a & SEG_ATTR_P)) return np(c, EXC_NP, sel & 0xfffc);
  }
  if ((e = set_accessed(c, lo, addr))) return e;
  set_seg(c, s, sel, a | 1, desc_base(lo), desc_limit(lo));
  return 0;
}

/* a code segment descriptor for CS at privilege cpl */
static int check_code(X86Cpu *c, uint16_t sel, uint64_t *lo, uint64_t *addr, unsigned cpl) {
  if ((sel & 0xfffc) == 0) return gp(c, 0);
  int e = read_desc(c, sel, lo, addr);
  if (e) return e;
  uint16_t a = desc_attr(*lo);
  if ((a & 0x18) != 0x18) return gp(c, sel & 0xfffc);
  if (long_mode(c) && (a & SEG_ATTR_L) && (a & SEG_ATTR_D)) return gp(c, sel & 0xfffc);
  unsigned dpl = SEG_ATTR_DPL(a);
  if ((a & 4) ? dpl > cpl : dpl != cpl) return gp(c, sel & 0xfffc);
  if (!(a & SEG_ATTR_P)) return np(c, EXC_NP, sel & 0xfffc);
  return 0;
}

static void load_cs(X86Cpu *c, uint16_t sel, uint64_t lo, unsigned cpl) {
  set_seg(c, S_CS, (uint16_t)((sel & 0xfffc) | cpl), desc_attr(lo) | 1, desc_base(lo), desc_limit(lo));
  c->cpl = (uint8_t)cpl;
  x86_set_mode(c);
}

int x86_far_jump(X86Cpu *c, uint16_t sel, uint64_t off, bool call, int osize, uint64_t next) {
  uint64_t lo, addr;
  if ((sel & 3) > c->cpl) return gp(c, sel & 0xfffc);
  int e = check_code(c, sel, &lo, &addr, c->cpl); /* call gates and TSS jumps: not implemented */
  if (e) return e;
  if (call) { /* pushes CS then the return offset, both of the operand size */
    uint64_t sp = c->r[R_RSP] - 2 * (uint64_t)osize, f[2] = { next, c->seg[S_CS].sel };
    uint8_t buf[16];
    memcpy(buf, &f[0], osize);
    memcpy(buf + osize, &f[1], osize);
    if ((e = x86_store_bytes(c, sp, buf, 2 * osize))) return e;
    c->r[R_RSP] = sp;
  }
  if ((e = set_accessed(c, lo, addr))) return e;
  load_cs(c, sel, lo, c->cpl);
  c->rip = osize == 8 ? off : (uint32_t)off;
  return X86_OK;
}

static uint64_t rd(const uint8_t *p, int n) { uint64_t v = 0; memcpy(&v, p, n); return v; }

int x86_far_ret(X86Cpu *c, int osize, uint16_t extra) {
  uint8_t buf[16];
  uint64_t lo, addr;
  int e = x86_load_bytes(c, c->r[R_RSP], buf, 2 * osize);
  if (e) return e;
  uint64_t ip = rd(buf, osize);
  uint16_t sel = (uint16_t)rd(buf + osize, 2);
  if ((sel & 3) != c->cpl) return gp(c, sel & 0xfffc); /* a return to an outer level: not implemented */
  if ((e = check_code(c, sel, &lo, &addr, c->cpl))) return e;
  if ((e = set_accessed(c, lo, addr))) return e;
  c->r[R_RSP] += 2 * (uint64_t)osize + extra;
  load_cs(c, sel, lo, c->cpl);
  c->rip = ip;
  return X86_OK;
}

/* RFLAGS bits IRET restores: IOPL only at CPL 0, IF only at CPL <= IOPL (SDM IRET) */
static void iret_flags(X86Cpu *c, uint64_t v, unsigned cpl, int osize) {
  uint64_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | 0x4000 | 0x10000 | 0x40000 | FLAG_ID;
  if (cpl == 0) mask |= 0x3000;
  if (cpl <= ((c->rflags >> 12) & 3)) mask |= FLAG_IF;
  if (osize == 2) mask &= 0xffff;
  x86_flags_sync(c);
  c->rflags = (c->rflags & ~mask) | (v & mask) | FLAG_FIXED1;
}

int x86_iret(X86Cpu *c, int osize) {
  uint8_t buf[40];
  uint64_t lo, addr, slo = 0, saddr = 0;
  bool outer_pop = long_mode(c) && !c->code32; /* 64-bit mode always pops SS:RSP */
  int e = x86_load_bytes(c, c->r[R_RSP], buf, 3 * osize);
  if (e) return e;
  uint64_t ip = rd(buf, osize), fl = rd(buf + 2 * osize, osize);
  uint16_t sel = (uint16_t)rd(buf + osize, 2);
  unsigned rpl = sel & 3;
  if (rpl < c->cpl) return gp(c, sel & 0xfffc);
  if (rpl > c->cpl) outer_pop = true;
  if (rpl > c->cpl && !long_mode(c)) return gp(c, sel & 0xfffc); /* legacy outer return: not implemented */
  if (fl & (1u << 14)) return gp(c, 0); /* NT: task return, not implemented */
  uint64_t nsp = c->r[R_RSP] + 3 * (uint64_t)osize;
  uint16_t ss = 0;
  if (outer_pop) {
    if ((e = x86_load_bytes(c, nsp, buf + 3 * osize, 2 * osize))) return e;
    ss = (uint16_t)rd(buf + 4 * osize, 2);
    nsp = rd(buf + 3 * osize, osize);
  }
  if ((e = check_code(c, sel, &lo, &addr, rpl))) return e;
  uint16_t sattr = 0;
  if (outer_pop) {
    if ((ss & 0xfffc) == 0) {
      if (rpl == 3 || !long_mode(c) || (desc_attr(lo) & SEG_ATTR_L) == 0) return gp(c, 0);
    } else {
      if ((ss & 3) != rpl) return gp(c, ss & 0xfffc);
      if ((e = read_desc(c, ss, &slo, &saddr))) return e;
      sattr = desc_attr(slo);
      if ((sattr & 0x1a) != 0x12 || SEG_ATTR_DPL(sattr) != rpl) return gp(c, ss & 0xfffc);
      if (!(sattr & SEG_ATTR_P)) return np(c, EXC_SS, ss & 0xfffc);
      if ((e = set_accessed(c, slo, saddr))) return e;
    }
  }
  if ((e = set_accessed(c, lo, addr))) return e;
  unsigned old_cpl = c->cpl;
  iret_flags(c, fl, old_cpl, osize);
  load_cs(c, sel, lo, rpl);
  if (outer_pop) {
    set_seg(c, S_SS, ss, (ss & 0xfffc) ? sattr | 1 : 0, (ss & 0xfffc) ? desc_base(slo) : 0, (ss & 0xfffc) ? desc_limit(slo) : 0);
    c->r[R_RSP] = osize == 8 ? nsp : (uint32_t)nsp;
  } else {
    c->r[R_RSP] = nsp;
  }
  if (rpl > old_cpl) /* data segments the outer level may not use become null (bases kept) */
    for (int s = S_ES; s <= S_GS; s++) {
      if (s == S_CS || s == S_SS) continue;
      uint16_t a = c->seg[s].attr;
      if ((c->seg[s].sel & 0xfffc) && ((a & 0x08) == 0 || (a & 0x0c) == 0x08) && SEG_ATTR_DPL(a) < rpl) c->seg[s].sel = 0;
    }
  c->rip = osize == 8 ? ip : (uint32_t)ip;
  return X86_EVENT_JUMPED; /* IF may have come back */
}

/* SYSCALL and SYSRET load fixed flat segments from STAR (SDM SYSCALL, SYSRET) */
int x86_syscall_kernel(X86Cpu *c, uint64_t next) {
  if (!long_mode(c)) return EXC_UD;
  uint16_t sel = (uint16_t)(c->star >> 32);
  x86_flags_sync(c);
  c->r[R_RCX] = next;
  c->r[R_R11] = c->rflags & ~0x10000ULL;
  c->rflags = (c->rflags & ~c->fmask & ~0x10000ULL) | FLAG_FIXED1;
  uint64_t target = c->code32 ? c->cstar : c->lstar;
  set_seg(c, S_CS, sel & 0xfffc, ATTR_CODE64 | 1, 0, 0xffffffff);
  set_seg(c, S_SS, (sel + 8) & 0xfffc, ATTR_DATA | 1, 0, 0xffffffff);
  c->cpl = 0;
  x86_set_mode(c);
  c->rip = target;
  return X86_OK;
}

int x86_sysret(X86Cpu *c, bool w64) {
  if (!c->system || !(c->efer & EFER_SCE) || !mode64(c)) return EXC_UD;
  if (c->cpl) return gp(c, 0);
  uint64_t rip = w64 ? c->r[R_RCX] : (uint32_t)c->r[R_RCX];
  if ((uint64_t)((int64_t)(rip << 16) >> 16) != rip) return gp(c, 0);
  uint16_t sel = (uint16_t)(c->star >> 48);
  x86_flags_sync(c);
  c->rflags = (c->r[R_R11] & 0x3c7fd7ULL) | FLAG_FIXED1;
  if (w64) set_seg(c, S_CS, (uint16_t)((sel + 16) | 3), ATTR_CODE64 | DPL3 | 1, 0, 0xffffffff);
  else set_seg(c, S_CS, (uint16_t)(sel | 3), ATTR_CODE32 | DPL3 | 1, 0, 0xffffffff);
  set_seg(c, S_SS, (uint16_t)((sel + 8) | 3), ATTR_DATA | DPL3 | 1, 0, 0xffffffff);
  c->cpl = 3;
  x86_set_mode(c);
  c->rip = rip;
  return X86_EVENT_JUMPED;
}

/* ---- event delivery through the 64-bit IDT (SDM vol. 3 6.14) ---- */

static bool has_error_code(int v) { return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21; }

static int tss_rsp(X86Cpu *c, unsigned off, uint64_t *rsp) {
  if (off + 7 > c->tr.limit) return np(c, EXC_TS, c->tr.sel & 0xfffc);
  return sys_access(c, c->tr.base + off, rsp, 8, false);
}

/* enters the handler of vector with the frame pushed; 0 or the fault that stopped it (nothing
 * changed then). soft: INT n/INT3/INTO (gate DPL checked, EXT clear in nested error codes) */
static int deliver(X86Cpu *c, int vector, bool soft, bool has_err, uint32_t err, uint64_t ret_rip) {
  if (!long_mode(c)) return X86_STOP_SHUTDOWN; /* the legacy IDT is not implemented */
  uint32_t ext = soft ? 0 : 1, gate_err = ((uint32_t)vector << 3) | 2 | ext;
  if ((uint32_t)vector * 16 + 15 > c->idtr.limit) return gp(c, gate_err);
  uint64_t g[2];
  int e = sys_access(c, c->idtr.base + (uint64_t)vector * 16, g, 16, false);
  if (e) return e;
  unsigned type = (g[0] >> 40) & 0x1f, gdpl = (g[0] >> 45) & 3;
  if (type != 0x0e && type != 0x0f) return gp(c, gate_err);
  if (soft && gdpl < c->cpl) return gp(c, gate_err);
  if (!((g[0] >> 47) & 1)) return np(c, EXC_NP, gate_err);
  uint64_t target = (g[0] & 0xffff) | ((g[0] >> 32) & 0xffff0000ULL) | (g[1] << 32);
  uint16_t sel = (uint16_t)(g[0] >> 16);
  unsigned ist = (g[0] >> 32) & 7;
  uint64_t lo, addr;
  if ((sel & 0xfffc) == 0) return gp(c, ext);
  if ((e = read_desc(c, sel, &lo, &addr))) { if (e == EXC_GP) c->exc_err |= ext; return e; }
  uint16_t a = desc_attr(lo);
  unsigned dpl = SEG_ATTR_DPL(a);
  if ((a & 0x18) != 0x18 || !(a & SEG_ATTR_L) || (a & SEG_ATTR_D) || dpl > c->cpl) return gp(c, (sel & 0xfffc) | ext);
  if (!(a & SEG_ATTR_P)) return np(c, EXC_NP, (sel & 0xfffc) | ext);
  unsigned ncpl = (a & 4) ? c->cpl : dpl;
  uint64_t rsp = c->r[R_RSP];
  if (ist) e = tss_rsp(c, 0x24 + 8 * (ist - 1), &rsp);
  else if (ncpl < c->cpl) e = tss_rsp(c, 4 + 8 * ncpl, &rsp);
  if (e) return e;
  rsp &= ~15ULL;
  x86_flags_sync(c);
  uint64_t f[6];
  int n = 0;
  if (has_err) f[n++] = err;
  f[n++] = ret_rip;
  f[n++] = c->seg[S_CS].sel;
  f[n++] = c->rflags;
  f[n++] = c->r[R_RSP];
  f[n++] = c->seg[S_SS].sel;
  uint64_t sp = rsp - 8 * (uint64_t)n;
  uint8_t u = c->user;
  x86_set_user(c, ncpl == 3);
  e = x86_store_bytes(c, sp, f, 8 * n);
  x86_set_user(c, u);
  if (e) return e;
  if (ncpl != c->cpl) set_seg(c, S_SS, (uint16_t)ncpl, 0, 0, 0); /* a null SS with RPL = new CPL */
  load_cs(c, sel, lo, ncpl);
  c->r[R_RSP] = sp;
  c->rflags &= ~(uint64_t)(FLAG_TF | 0x4000 | 0x10000 | 0x20000);
  if (type == 0x0e) c->rflags &= ~(uint64_t)FLAG_IF;
  c->rip = target;
  return 0;
}

int x86_interrupt(X86Cpu *c, int vector, bool soft, uint64_t ret_rip) {
  int e = deliver(c, vector, soft, false, 0, ret_rip);
  return e ? e : X86_OK;
}

static bool contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

/* a fault at rip: delivered, or turned into #DF by a fault during delivery (SDM vol. 3 table
 * 6-5), or a shutdown when #DF itself cannot be delivered */
int x86_exception(X86Cpu *c, int exc) {
  int vector = X86_VECTOR(exc);
  for (;;) {
    uint32_t err = vector == 14 ? c->pf_error : vector == 8 ? 0 : c->exc_err;
    if (vector == 14) c->cr2 = c->fault_addr;
    int e = deliver(c, vector, false, has_error_code(vector), err, c->rip);
    if (e == 0) { c->exc_err = 0; return 0; }
    if (e < EXC_BASE || e >= EXC_BASE + 32 || vector == 8) return X86_STOP_SHUTDOWN;
    int second = X86_VECTOR(e);
    if ((contributory(vector) && contributory(second)) || (vector == 14 && (second == 14 || contributory(second))))
      vector = 8;
    else
      vector = second;
  }
}

int x86_check_intr(X86Cpu *c) {
  if (!(c->rflags & FLAG_IF) || c->shadow || !c->bus.intr) return 0;
  int v = c->bus.intr(c->bus.ctx);
  if (v < 0) return 0;
  int e = deliver(c, v, false, false, 0, c->rip);
  if (e && e >= EXC_BASE && e < EXC_BASE + 32) return x86_exception(c, e);
  return e;
}
