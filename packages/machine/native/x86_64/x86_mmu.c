/* x86-64 CPU: 4-level paging (SDM vol. 3 ch. 4.5) with 4 KiB, 2 MiB and 1 GiB pages, NX, U/S,
 * R/W with CR0.WP, accessed/dirty bits, global pages; the software TLB behind x86_mem.h's fast
 * path; accesses that miss it, cross a page or reach MMIO; instruction fetch across pages.
 * A/D bits follow QEMU's walker, the reference the tests compare with: accessed is set on each
 * upper-level entry as the walk uses it, the leaf's accessed (and dirty on a write) only when the
 * access is allowed. */
#include <stdlib.h>
#include "x86.h"
#include "x86_mem.h"

#define PHYS_BITS 40 /* CPUID 0x80000008 reports it; QEMU's default phys-bits */
#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL
#define PTE_PS 0x80ULL
#define PTE_G 0x100ULL
#define PTE_NX (1ULL << 63)
#define PTE_ADDR (((1ULL << PHYS_BITS) - 1) & ~0xfffULL)
#define PTE_RSVD (((1ULL << 52) - 1) & ~((1ULL << PHYS_BITS) - 1))
/* #PF error code bits (SDM vol. 3 4.7) */
#define PF_P 1u
#define PF_W 2u
#define PF_U 4u
#define PF_RSVD 8u
#define PF_ID 16u

void x86_tlb_flush(X86Cpu *c, bool keep_global) {
  x86_fetch_forget(c);
  for (int k = 0; k < 6; k++)
    for (int i = 0; i < X86_TLB_SIZE; i++)
      if (!keep_global || !c->tlb_global[k][i]) { c->tlb[k][i].tag = 1; c->tlb_global[k][i] = 0; }
  if (!keep_global) c->tlb_large_n = 0;
}

static bool tlb_in_large(const X86Cpu *c, uint64_t va) {
  if (c->tlb_large_n > X86_TLB_LARGE) return true;
  for (int i = 0; i < c->tlb_large_n; i++)
    if (c->tlb_large_gb[i] == va >> 30) return true;
  return false;
}

static void tlb_note_large(X86Cpu *c, uint64_t va) {
  int n = c->tlb_large_n;
  if (n > X86_TLB_LARGE) return;
  for (int i = 0; i < n; i++)
    if (c->tlb_large_gb[i] == va >> 30) return;
  if (n < X86_TLB_LARGE) c->tlb_large_gb[n] = va >> 30;
  c->tlb_large_n = (uint8_t)(n + 1);
}

void x86_tlb_flush_page(X86Cpu *c, uint64_t va) {
  x86_fetch_forget(c);
  if (c->tlb_large_n && tlb_in_large(c, va)) { x86_tlb_flush(c, false); return; } /* its entries are 4 KiB each */
  int i = (int)((va >> 12) & (X86_TLB_SIZE - 1));
  for (int k = 0; k < 6; k++)
    if (c->tlb[k][i].tag == (va & ~0xfffULL)) { c->tlb[k][i].tag = 1; c->tlb_global[k][i] = 0; }
}

void x86_request_stop(X86Cpu *c) {
  c->stop_request = true;
  x86_fetch_forget(c);
  c->mem_size = 0;
  for (int u = 0; u < 2; u++)
    for (int i = 0; i < X86_TLB_SIZE; i++) c->tlb[ACC_X * 2 + u][i].tag = 1;
}

void x86_paging_update(X86Cpu *c) {
  c->paging = (c->cr0 & CR0_PG) && (c->efer & EFER_LMA);
  c->mem_size = c->paging ? 0 : c->ram_size;
  x86_set_user(c, c->cpl == 3);
  x86_tlb_flush(c, false);
}

/* ---- page-granular code tracking (ADR 0055) ---- */
bool x86_code_init(X86Cpu *c, uint64_t bytes) {
  free(c->code_gen);
  c->code_frames = (bytes + 4095) >> 12;
  c->code_gen = calloc(c->code_frames ? c->code_frames : 1, sizeof *c->code_gen);
  c->code_next = 1;
  c->fetch_gen = 0;
  return c->code_gen != NULL;
}

void x86_code_reset(X86Cpu *c) {
  x86_dcache_flush(c);
  x86_tlb_flush(c, false); /* no write entry left: the X86_CODE_WMAPPED marks go too */
  memset(c->code_gen, 0, c->code_frames * sizeof *c->code_gen);
  c->code_next = 1;
  c->fetch_gen = 0;
}

/* the frame's blocks are never run again; the running one ends after this instruction (its
 * frame may be this one: the loop leaves a block when the fetch page is forgotten) */
static void code_drop(X86Cpu *c, uint64_t f) {
  c->code_gen[f] &= X86_CODE_WMAPPED;
  x86_fetch_forget(c);
}

void x86_code_written(X86Cpu *c, uint64_t off, uint64_t len) {
  if (!len) return;
  for (uint64_t f = off >> 12, last = (off + len - 1) >> 12; f <= last && f < c->code_frames; f++)
    if (c->code_gen[f] & ~X86_CODE_WMAPPED) code_drop(c, f);
}

/* the write TLB entries (both privileges) that map frame f */
static void tlb_drop_writable(X86Cpu *c, uint64_t f) {
  uint64_t host = (uint64_t)(uintptr_t)c->mem + (f << 12);
  for (int k = ACC_W * 2; k < ACC_W * 2 + 2; k++)
    for (int i = 0; i < X86_TLB_SIZE; i++)
      if (c->tlb[k][i].tag != 1 && c->tlb[k][i].tag + c->tlb[k][i].addend == host) { c->tlb[k][i].tag = 1; c->tlb_global[k][i] = 0; }
}

uint32_t x86_code_frame(X86Cpu *c, uint64_t f) {
  uint32_t g = c->code_gen[f];
  if (g & X86_CODE_WMAPPED) tlb_drop_writable(c, f);
  g &= ~X86_CODE_WMAPPED;
  if (!g) g = c->code_next++;
  c->code_gen[f] = g;
  return g;
}

static uint64_t phys_ld64(X86Cpu *c, uint64_t pa, bool *ok) {
  uint64_t v = 0;
  *ok = pa + 8 <= c->ram_size;
  if (*ok) memcpy(&v, c->mem + pa, 8);
  return v;
}

static void phys_st64(X86Cpu *c, uint64_t pa, uint64_t v) {
  memcpy(c->mem + pa, &v, 8);
  x86_code_written(c, pa, 8);
}

static int page_fault(X86Cpu *c, uint64_t va, uint32_t err) {
  c->fault_addr = va;
  c->pf_error = err;
  return EXC_PF;
}

/* linear -> physical for one access; fills the TLB when the page is RAM */
int x86_translate(X86Cpu *c, uint64_t va, int kind, bool user, uint64_t *pa) {
  if (!c->paging) { *pa = va; return 0; }
  if ((uint64_t)((int64_t)(va << 16) >> 16) != va) { c->exc_err = 0; return EXC_GP; } /* non-canonical */
  bool nxe = (c->efer & EFER_NXE) != 0, write = kind == ACC_W;
  uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0) | (kind == ACC_X && nxe ? PF_ID : 0);
  uint64_t rsvd = PTE_RSVD | (nxe ? 0 : PTE_NX);
  uint64_t table = c->cr3 & PTE_ADDR, ent = 0, ent_pa = 0, perm = PTE_W | PTE_U, nx = 0;
  int level;
  for (level = 4;; level--) {
    ent_pa = table + (((va >> (12 + 9 * (level - 1))) & 511) << 3);
    bool ok;
    ent = phys_ld64(c, ent_pa, &ok);
    if (!ok || !(ent & PTE_P)) return page_fault(c, va, err);
    uint64_t r = rsvd;
    if (level == 4) r |= PTE_PS;
    else if (level == 3 && (ent & PTE_PS)) r |= 0x3fffe000ULL;   /* 1 GiB page: bits 29:13 */
    else if (level == 2 && (ent & PTE_PS)) r |= 0x1fe000ULL;     /* 2 MiB page: bits 20:13 */
    if (ent & r) return page_fault(c, va, err | PF_P | PF_RSVD);
    perm &= ent;
    nx |= ent & PTE_NX;
    if (level == 1 || (ent & PTE_PS)) break;
    if (!(ent & PTE_A)) phys_st64(c, ent_pa, ent | PTE_A);
    table = ent & PTE_ADDR;
  }
  if (!nxe) nx = 0;
  bool allowed = true;
  if (user) allowed = (perm & PTE_U) && (!write || (perm & PTE_W));
  else if (write && (c->cr0 & CR0_WP)) allowed = (perm & PTE_W) != 0;
  if (kind == ACC_X && nx) allowed = false;
  if (!allowed) return page_fault(c, va, err | PF_P);
  uint64_t want = PTE_A | (write ? PTE_D : 0);
  if ((ent & want) != want) phys_st64(c, ent_pa, ent | want);
  uint64_t page_mask = level == 3 ? (1ULL << 30) - 1 : level == 2 ? (1ULL << 21) - 1 : 0xfff;
  *pa = (ent & PTE_ADDR & ~page_mask) | (va & page_mask);
  uint64_t pa_page = *pa & ~0xfffULL, va_page = va & ~0xfffULL;
  if (pa_page + 4096 <= c->ram_size) {
    int k = kind * 2 + (user ? 1 : 0), i = (int)((va >> 12) & (X86_TLB_SIZE - 1));
    c->tlb[k][i].tag = va_page;
    c->tlb[k][i].addend = (uint64_t)(uintptr_t)c->mem + pa_page - va_page;
    c->tlb_global[k][i] = (ent & PTE_G) && (c->cr4 & CR4_PGE);
    if (level > 1) tlb_note_large(c, va);
    if (write) { /* stores through the entry need no check: the frame's blocks go now */
      uint64_t f = pa_page >> 12;
      if (c->code_gen[f] & ~X86_CODE_WMAPPED) code_drop(c, f);
      c->code_gen[f] |= X86_CODE_WMAPPED;
    }
  }
  return 0;
}

/* physical RAM or the board's MMIO */
static void phys_rw(X86Cpu *c, uint64_t pa, uint8_t *buf, unsigned len, bool write) {
  if (pa < c->ram_size && len <= c->ram_size - pa) {
    if (write) {
      memcpy(c->mem + pa, buf, len);
      x86_code_written(c, pa, len);
    } else {
      memcpy(buf, c->mem + pa, len);
    }
    return;
  }
  while (len) {
    unsigned n = len >= 8 && !(pa & 7) ? 8 : len >= 4 && !(pa & 3) ? 4 : len >= 2 && !(pa & 1) ? 2 : 1;
    uint64_t v = 0;
    if (pa < c->ram_size) { /* the RAM part of an access straddling its end */
      if (write) {
        c->mem[pa] = buf[0];
        x86_code_written(c, pa, 1);
      } else {
        buf[0] = c->mem[pa];
      }
      n = 1;
    } else if (write) {
      memcpy(&v, buf, n);
      if (c->bus.mmio_write) c->bus.mmio_write(c->bus.ctx, pa, (int)n, v);
    } else {
      v = c->bus.mmio_read ? c->bus.mmio_read(c->bus.ctx, pa, (int)n) : ~0ULL;
      memcpy(buf, &v, n);
    }
    pa += n; buf += n; len -= n;
  }
}

/* an access the fast path did not take; both pages are translated before anything is written,
 * so a faulting store changes nothing */
int x86_access_slow(X86Cpu *c, uint64_t va, void *buf, unsigned len, int kind) {
  if (!c->system) { /* the user-mode runner: one window, anything else faults */
    uint8_t *p = x86_ptr(c, va, len);
    if (!p) return EXC_PF;
    if (kind == ACC_W) {
      memcpy(p, buf, len);
      x86_code_written(c, (uint64_t)(p - c->mem), len);
    } else {
      memcpy(buf, p, len);
    }
    return 0;
  }
  if (!c->paging) {
    phys_rw(c, va - c->mem_base, buf, len, kind == ACC_W);
    return 0;
  }
  uint64_t pa1, pa2 = 0;
  unsigned first = 4096 - (unsigned)(va & 0xfff);
  if (first > len) first = len;
  int e = x86_translate(c, va, kind, c->user, &pa1);
  if (e) return e;
  while (first < len) { /* at most two pages for the accesses an instruction makes (<= 512 bytes) */
    if ((e = x86_translate(c, va + first, kind, c->user, &pa2))) return e;
    break;
  }
  phys_rw(c, pa1, buf, first, kind == ACC_W);
  if (first < len) phys_rw(c, pa2, (uint8_t *)buf + first, len - first, kind == ACC_W);
  return 0;
}

int x86_load_slow(X86Cpu *c, uint64_t va, int size, uint64_t *val) {
  uint8_t b[8] = {0};
  int e = x86_access_slow(c, va, b, (unsigned)size, ACC_R);
  if (e) return e;
  *val = x86_rd_le(b, size);
  return 0;
}

int x86_store_slow(X86Cpu *c, uint64_t va, int size, uint64_t val) {
  uint8_t b[8];
  memcpy(b, &val, 8);
  return x86_access_slow(c, va, b, (unsigned)size, ACC_W);
}

/* decode at rip when the fast fetch did not apply: the instruction may cross into the next page
 * (whose fault counts only if the instruction reaches it) or end near the end of RAM */
int x86_fetch_slow(X86Cpu *c, X86Insn *d) {
  uint8_t buf[16];
  unsigned avail = 0;
  if (c->stop_request) return X86_STOP_BUDGET;
  if (!c->paging) {
    uint64_t off = c->rip - c->mem_base;
    if (off < c->mem_size) avail = c->mem_size - off > 15 ? 15 : (unsigned)(c->mem_size - off);
    if (avail == 0) { c->fault_addr = c->rip; c->pf_error = 0; return EXC_PF; }
    memcpy(buf, c->mem + off, avail);
    return x86_decode(c, d, buf, avail);
  }
  uint64_t pa;
  int e = x86_translate(c, c->rip, ACC_X, c->user, &pa);
  if (e) return e;
  avail = 4096 - (unsigned)(c->rip & 0xfff);
  if (avail > 15) avail = 15;
  if (pa >= c->ram_size || avail > c->ram_size - pa) return page_fault(c, c->rip, PF_P); /* no code in MMIO */
  memcpy(buf, c->mem + pa, avail);
  uint32_t err2 = 0;
  int e2 = 0;
  if (avail < 15) {
    e2 = x86_translate(c, c->rip + avail, ACC_X, c->user, &pa);
    err2 = c->pf_error;
    if (!e2 && pa + (15 - avail) <= c->ram_size) {
      memcpy(buf + avail, c->mem + pa, 15 - avail);
      avail = 15;
    }
  }
  e = x86_decode(c, d, buf, avail);
  if (e == EXC_PF) {
    c->pf_error = err2;
    if (e2 == EXC_GP) return EXC_GP;
  }
  return e;
}
