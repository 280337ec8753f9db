/* SiFive PLIC as on QEMU virt (RISC-V PLIC specification 1.0.0): 96 sources, two contexts for
 * hart 0 (0 = M-mode -> mip.MEIP, 1 = S-mode -> mip.SEIP), level-triggered sources. */
#include "machine.h"

static void plic_update(Machine *m) {
  Plic *p = &m->plic;
  for (int ctx = 0; ctx < 2; ctx++) {
    bool on = false;
    for (int w = 0; w < PLIC_NUM_SRC / 32 && !on; w++) {
      uint32_t cand = p->pending[w] & ~p->claimed[w] & p->enable[ctx][w];
      while (cand) {
        int b = __builtin_ctz(cand);
        cand &= cand - 1;
        if (p->priority[w * 32 + b] > p->threshold[ctx]) { on = true; break; }
      }
    }
    uint64_t bit = ctx == 0 ? MIP_MEIP : MIP_SEIP;
    if (on) m->mip |= bit;
    else m->mip &= ~bit;
  }
  m->exit_slice = true;
}

void plic_set_irq(Machine *m, int irq, int level) {
  Plic *p = &m->plic;
  uint32_t bit = 1u << (irq & 31);
  int w = irq >> 5;
  uint32_t old = p->pending[w];
  if (level) { p->level[w] |= bit; p->pending[w] |= bit; }
  else { p->level[w] &= ~bit; p->pending[w] &= ~bit; }
  if (old != p->pending[w]) plic_update(m);
}

static uint32_t plic_claim(Machine *m, int ctx) {
  Plic *p = &m->plic;
  uint32_t best = 0, best_prio = 0;
  for (int w = 0; w < PLIC_NUM_SRC / 32; w++) {
    uint32_t cand = p->pending[w] & ~p->claimed[w] & p->enable[ctx][w];
    while (cand) {
      int b = __builtin_ctz(cand);
      cand &= cand - 1;
      uint32_t src = w * 32 + b;
      if (src && p->priority[src] > p->threshold[ctx] && p->priority[src] > best_prio) {
        best = src;
        best_prio = p->priority[src];
      }
    }
  }
  if (best) {
    p->claimed[best >> 5] |= 1u << (best & 31);
    p->pending[best >> 5] &= ~(1u << (best & 31));
    plic_update(m);
  }
  return best;
}

uint32_t plic_read(Machine *m, uint64_t off) {
  Plic *p = &m->plic;
  if (off < 4 * PLIC_NUM_SRC) return p->priority[off >> 2];
  if (off >= 0x1000 && off < 0x1000 + PLIC_NUM_SRC / 8) return p->pending[(off - 0x1000) >> 2];
  if (off >= 0x2000 && off < 0x2000 + 2 * 0x80) {
    int ctx = (int)((off - 0x2000) / 0x80), w = (int)(((off - 0x2000) % 0x80) >> 2);
    return w < PLIC_NUM_SRC / 32 ? p->enable[ctx][w] : 0;
  }
  if (off >= 0x200000 && off < 0x200000 + 2 * 0x1000) {
    int ctx = (int)((off - 0x200000) / 0x1000);
    uint64_t r = (off - 0x200000) % 0x1000;
    if (r == 0) return p->threshold[ctx];
    if (r == 4) return plic_claim(m, ctx);
  }
  return 0;
}

void plic_write(Machine *m, uint64_t off, uint32_t val) {
  Plic *p = &m->plic;
  if (off < 4 * PLIC_NUM_SRC) {
    if (off) p->priority[off >> 2] = val & 7;
  } else if (off >= 0x2000 && off < 0x2000 + 2 * 0x80) {
    int ctx = (int)((off - 0x2000) / 0x80), w = (int)(((off - 0x2000) % 0x80) >> 2);
    if (w < PLIC_NUM_SRC / 32) p->enable[ctx][w] = w == 0 ? (val & ~1u) : val;
  } else if (off >= 0x200000 && off < 0x200000 + 2 * 0x1000) {
    int ctx = (int)((off - 0x200000) / 0x1000);
    uint64_t r = (off - 0x200000) % 0x1000;
    if (r == 0) p->threshold[ctx] = val & 7;
    else if (r == 4 && val < PLIC_NUM_SRC) {
      uint32_t bit = 1u << (val & 31);
      if (p->claimed[val >> 5] & bit) {
        p->claimed[val >> 5] &= ~bit;
        if (p->level[val >> 5] & bit) p->pending[val >> 5] |= bit;
      }
    }
  } else {
    return;
  }
  plic_update(m);
}
