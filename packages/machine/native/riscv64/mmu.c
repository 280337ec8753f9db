/* Sv39 virtual memory (RISC-V privileged spec 1.12 section 4.4 and 4.3.2 translation algorithm)
 * with hardware A/D updates, MPRV/SUM/MXR, and a direct-mapped software TLB per effective mode.
 * Misaligned loads and stores are performed in "hardware" byte by byte (spec 2.6 allows it). */
#include <string.h>
#include "machine.h"
#include "decode.h"
#include "jit.h"

static int fault_cause(int acc) {
  return acc == ACC_EXEC ? EXC_INSN_PAGE : acc == ACC_WRITE ? EXC_STORE_PAGE : EXC_LOAD_PAGE;
}
static int access_cause(int acc) {
  return acc == ACC_EXEC ? EXC_INSN_ACCESS : acc == ACC_WRITE ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS;
}

static int eff_priv(Machine *m, int acc) {
  if (acc != ACC_EXEC && (m->mstatus & MSTATUS_MPRV) && m->priv == PRV_M)
    return (int)((m->mstatus >> MSTATUS_MPP_SHIFT) & 3);
  return m->priv;
}

void tlb_select(Machine *m) {
  int dp = eff_priv(m, ACC_READ);
  bool bare = (m->satp >> 60) == 0;
  int set;
  if (bare || dp == PRV_M) set = 3;
  else if (dp == PRV_U) set = 0;
  else set = (m->mstatus & MSTATUS_SUM) ? 2 : 1;
  m->tlb_cur = &m->tlb[set];
  if (bare || m->priv == PRV_M) set = 3;
  else set = m->priv == PRV_U ? 0 : 1;
  m->tlb_fetch = &m->tlb[set];
}

static void tlb_clear_set(Tlb *t) {
  for (int i = 0; i < TLB_SIZE; i++) t->r[i].vtag = t->w[i].vtag = t->x[i].vtag = 1;
}

void tlb_flush_all(Machine *m) {
  for (int s = 0; s < TLB_SETS; s++) tlb_clear_set(&m->tlb[s]);
  m->tlb_log_n = 0;
}

/* Set 3 (M-mode, bare) maps va = pa whatever satp says: a page-table change leaves it valid, and
 * clearing it would cost a quarter of each flush's cache traffic. Only the entries filled since
 * the last flush can be valid: those are cleared, unless there were too many to list. */
void tlb_flush_paged(Machine *m) {
  if (m->tlb_log_n > TLB_LOG) {
    for (int s = 0; s < 3; s++) tlb_clear_set(&m->tlb[s]);
  } else {
    TlbEntry *all = &m->tlb[0].r[0];
    for (int k = 0; k < m->tlb_log_n; k++) all[m->tlb_log[k]].vtag = 1;
  }
  m->tlb_log_n = 0;
}

/* an entry of a paged set was filled: tlb_flush_paged must clear it */
static void tlb_log_fill(Machine *m, const TlbEntry *e) {
  size_t i = (size_t)(e - &m->tlb[0].r[0]);
  if (i >= 3 * sizeof(Tlb) / sizeof(TlbEntry) || m->tlb_log_n > TLB_LOG) return;
  if (m->tlb_log_n < TLB_LOG) m->tlb_log[m->tlb_log_n] = (uint16_t)i;
  m->tlb_log_n++;
}

void tlb_flush_va(Machine *m, uint64_t va) {
  int i = (int)((va >> PAGE_SHIFT) & (TLB_SIZE - 1));
  for (int s = 0; s < 3; s++) m->tlb[s].r[i].vtag = m->tlb[s].w[i].vtag = m->tlb[s].x[i].vtag = 1;
}

int mmu_translate(Machine *m, uint64_t va, int acc, uint64_t *pa) {
  int priv = eff_priv(m, acc);
  if (priv == PRV_M || (m->satp >> 60) == 0) { *pa = va; return 0; }
  /* Sv39: bits 63..39 must equal bit 38 */
  if ((uint64_t)(((int64_t)va << 25) >> 25) != va) { m->fault_addr = va; return fault_cause(acc); }
  uint64_t a = (m->satp & ((1ULL << 44) - 1)) << PAGE_SHIFT;
  for (int level = 2; level >= 0; level--) {
    uint64_t pte_addr = a + ((va >> (PAGE_SHIFT + 9 * level)) & 0x1ff) * 8;
    uint8_t *pp = bus_ram_ptr(m, pte_addr, 8);
    if (!pp) { m->fault_addr = va; return access_cause(acc); }
    uint64_t pte;
    memcpy(&pte, pp, 8);
    if (!(pte & 1) || ((pte & 6) == 4) || (pte >> 54)) { m->fault_addr = va; return fault_cause(acc); }
    uint64_t ppn = (pte >> 10) & ((1ULL << 44) - 1);
    if (!(pte & 0xa)) { /* pointer to next level */
      if (pte & 0xd0) { m->fault_addr = va; return fault_cause(acc); } /* D, A, U must be 0 */
      a = ppn << PAGE_SHIFT;
      continue;
    }
    /* leaf: permission checks */
    bool r = pte & 2, w = pte & 4, x = pte & 8, u = pte & 16;
    bool ok;
    if (acc == ACC_EXEC) ok = x;
    else if (acc == ACC_WRITE) ok = w;
    else ok = r || (x && (m->mstatus & MSTATUS_MXR));
    if (priv == PRV_U && !u) ok = false;
    if (priv == PRV_S && u && (acc == ACC_EXEC || !(m->mstatus & MSTATUS_SUM))) ok = false;
    if (level > 0 && (ppn & ((1ULL << (9 * level)) - 1))) ok = false; /* misaligned superpage */
    if (!ok) { m->fault_addr = va; return fault_cause(acc); }
    uint64_t npte = pte | 0x40 | (acc == ACC_WRITE ? 0x80 : 0);
    if (npte != pte) {
      memcpy(pp, &npte, 8);
      ram_written(m, pte_addr, 8);
    }
    uint64_t off_mask = (1ULL << (PAGE_SHIFT + 9 * level)) - 1;
    *pa = ((ppn << PAGE_SHIFT) & ~off_mask) | (va & off_mask);
    return 0;
  }
  m->fault_addr = va;
  return fault_cause(acc);
}

/* Fill a TLB entry for a RAM page (never for MMIO, never writable for pages holding decoded code). */
static void tlb_fill(Machine *m, TlbEntry *set, uint64_t va, uint64_t pa) {
  uint8_t *host = bus_ram_ptr(m, pa & ~PAGE_MASK, PAGE_SIZE);
  if (!host) return;
  TlbEntry *e = &set[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];
  e->vtag = va & ~PAGE_MASK;
  e->addend = (uintptr_t)host - (uintptr_t)(va & ~PAGE_MASK);
  e->paddr = pa & ~PAGE_MASK;
  tlb_log_fill(m, e);
}

int mmu_load_slow(Machine *m, uint64_t va, int size, uint64_t *val) {
  if (va & (size - 1)) {
    uint64_t v = 0;
    for (int i = 0; i < size; i++) {
      uint64_t b;
      int c = mmu_load_slow(m, va + i, 1, &b);
      if (c) return c;
      v |= b << (8 * i);
    }
    *val = v;
    return 0;
  }
  uint64_t pa;
  int c = mmu_translate(m, va, ACC_READ, &pa);
  if (c) return c;
  c = bus_load(m, pa, size, val);
  if (c) { m->fault_addr = va; return c; }
  tlb_fill(m, m->tlb_cur->r, va, pa);
  return 0;
}

/* TLB entry for a data access that succeeded at pa; a write entry never maps a page holding
 * decoded code (its stores must go through bus_store, which drops the decoded page). */
void mmu_fill_data(Machine *m, uint64_t va, uint64_t pa, int acc) {
  if (acc != ACC_WRITE) { tlb_fill(m, m->tlb_cur->r, va, pa); return; }
  uint64_t idx = (pa - RAM_BASE) >> PAGE_SHIFT;
  if (pa >= RAM_BASE && idx < (m->ram_size >> PAGE_SHIFT) && !(m->code_page[idx] & CODE_DECODED)) {
    tlb_fill(m, m->tlb_cur->w, va, pa);
    m->code_page[idx] |= CODE_WMAPPED;
  }
}

int mmu_store_slow(Machine *m, uint64_t va, int size, uint64_t val) {
  if (va & (size - 1)) {
    /* check both pages first so a fault leaves memory untouched */
    uint64_t pa;
    int c = mmu_translate(m, va, ACC_WRITE, &pa);
    if (!c) c = mmu_translate(m, va + size - 1, ACC_WRITE, &pa);
    if (c) return c;
    for (int i = 0; i < size; i++) {
      c = mmu_store_slow(m, va + i, 1, (val >> (8 * i)) & 0xff);
      if (c) return c;
    }
    return 0;
  }
  uint64_t pa;
  int c = mmu_translate(m, va, ACC_WRITE, &pa);
  if (c) return c;
  c = bus_store(m, pa, size, val);
  if (c) { m->fault_addr = va; return c; }
  mmu_fill_data(m, va, pa, ACC_WRITE);
  return 0;
}

/* Remove writable TLB entries that point at a physical page (it now has decoded code). */
static void tlb_drop_writable(Machine *m, uint64_t ppage) {
  for (int s = 0; s < TLB_SETS; s++)
    for (int i = 0; i < TLB_SIZE; i++)
      if (m->tlb[s].w[i].paddr == ppage) m->tlb[s].w[i].vtag = 1;
}

Insn *mmu_fetch_page(Machine *m, uint64_t pc, int *cause, const uint8_t **host) {
  uint64_t vpage = pc & ~PAGE_MASK, pa;
  TlbEntry *e = &m->tlb_fetch->x[(pc >> PAGE_SHIFT) & (TLB_SIZE - 1)];
  if (e->vtag == vpage) {
    pa = e->paddr;
  } else {
    int c = mmu_translate(m, pc, ACC_EXEC, &pa);
    if (c) { *cause = c; return NULL; }
    pa &= ~PAGE_MASK;
    bool ram = bus_ram_ptr(m, pa, PAGE_SIZE) != NULL;
    if (!ram && pa != MROM_BASE) { m->fault_addr = pc; *cause = EXC_INSN_ACCESS; return NULL; }
    e->vtag = vpage;
    e->paddr = pa;
    tlb_log_fill(m, e);
    e->addend = (uintptr_t)(pa == MROM_BASE ? m->mrom : bus_ram_ptr(m, pa, PAGE_SIZE)); /* host page */
  }
  *host = (const uint8_t *)e->addend;
  uint64_t ppn = pa >> PAGE_SHIFT;
  DecodedPage *dp = &m->dcache[ppn & (DC_PAGES - 1)];
  uint64_t *tag = &m->dcache_ppn[ppn & (DC_PAGES - 1)];
  if (*tag != ppn) {
    uint32_t slot = (uint32_t)(ppn & (DC_PAGES - 1));
    if (m->dcache_used[slot]) memset(dp->insn, 0, sizeof dp->insn); /* op 0 = decode on first use */
    m->dcache_used[slot] = 1; /* a never-used entry is fresh zeroed memory: skip the memset */
    if (m->jit) m->jit->gen[slot] = m->jit->gen_next++; /* translations of the old page are dead */
    dp->insn[DC_SLOTS].op = dp->insn[DC_SLOTS + 1].op = OP_PAGE_END;
    *tag = ppn;
    if (pa >= RAM_BASE) {
      uint8_t *cp = &m->code_page[(pa - RAM_BASE) >> PAGE_SHIFT];
      if (*cp & CODE_WMAPPED) tlb_drop_writable(m, pa); /* a scan reads every set's write table */
      *cp = CODE_DECODED;
    }
  }
  return dp->insn;
}
