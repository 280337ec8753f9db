/* Local APIC registers, priorities and timer (SDM vol. 3 11.4-11.8); see lapic.h. */
#include <string.h>
#include "lapic.h"

enum { LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };
#define LVT_MASKED (1u << 16)
#define TIMER_PERIODIC (1u << 17)
#define TIMER_MODE(a) (((a)->lvt[1] >> 17) & 3) /* 0 one-shot, 1 periodic, 2 TSC deadline */
#define SVR_ENABLE (1u << 8)

void lapic_reset(X86Lapic *a) {
  memset(a, 0, sizeof *a);
  for (int i = 0; i < 7; i++) a->lvt[i] = LVT_MASKED;
  a->svr = 0xff;
  a->dfr = 0xffffffffu;
  a->eoi_level_vector = -1;
}

static int highest(const uint32_t *bits) {
  for (int i = 7; i >= 0; i--)
    if (bits[i]) return i * 32 + 31 - __builtin_clz(bits[i]);
  return -1;
}

static uint32_t ppr(const X86Lapic *a) {
  int isr = highest(a->isr);
  uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr;
  return (a->tpr >> 4) >= (isrv >> 4) ? a->tpr & 0xff : isrv & 0xf0;
}

static unsigned divider(const X86Lapic *a) { /* bits 0,1,3: 2 4 8 16 32 64 128 1 */
  unsigned d = (a->divide & 3) | ((a->divide >> 1) & 4);
  return d == 7 ? 1 : 2u << d;
}

void lapic_raise(X86Lapic *a, int vector) {
  if (vector < 16) { a->esr |= 1u << 6; return; } /* illegal vector: received-illegal error */
  a->irr[vector >> 5] |= 1u << (vector & 31);
}

void lapic_raise_level(X86Lapic *a, int vector) {
  lapic_raise(a, vector);
  if (vector >= 16) a->tmr[vector >> 5] |= 1u << (vector & 31);
}

int lapic_last_eoi(const X86Lapic *a) { return a->eoi_level_vector; }

void lapic_update(X86Lapic *a, uint64_t now) {
  if (TIMER_MODE(a) == 2) {
    if (a->tsc_deadline && *a->tsc_deadline && now >= *a->tsc_deadline) {
      *a->tsc_deadline = 0; /* the MSR reads 0 once it fired */
      if (!(a->lvt[LVT_TIMER] & LVT_MASKED) && (a->svr & SVR_ENABLE)) lapic_raise(a, a->lvt[LVT_TIMER] & 0xff);
    }
    return;
  }
  while (a->deadline && now >= a->deadline) {
    if (!(a->lvt[LVT_TIMER] & LVT_MASKED) && (a->svr & SVR_ENABLE)) lapic_raise(a, a->lvt[LVT_TIMER] & 0xff);
    if ((a->lvt[LVT_TIMER] & TIMER_PERIODIC) && a->initial) {
      a->start = a->deadline;
      a->deadline += (uint64_t)a->initial * divider(a);
    } else {
      a->deadline = 0;
    }
  }
}

uint64_t lapic_next_deadline(const X86Lapic *a) {
  if (TIMER_MODE(a) == 2) return a->tsc_deadline && !(a->lvt[LVT_TIMER] & LVT_MASKED) ? *a->tsc_deadline : 0;
  return (a->lvt[LVT_TIMER] & LVT_MASKED) || !(a->svr & SVR_ENABLE) ? 0 : a->deadline;
}

static int deliverable(const X86Lapic *a) {
  if (!(a->svr & SVR_ENABLE)) return -1;
  int v = highest(a->irr);
  if (v < 0 || ((uint32_t)v >> 4) <= (ppr(a) >> 4)) return -1;
  return v;
}

bool lapic_pending(X86Lapic *a, uint64_t now) {
  lapic_update(a, now);
  return deliverable(a) >= 0;
}

int lapic_ack(X86Lapic *a, uint64_t now) {
  lapic_update(a, now);
  int v = deliverable(a);
  if (v < 0) return -1;
  a->irr[v >> 5] &= ~(1u << (v & 31));
  a->isr[v >> 5] |= 1u << (v & 31);
  return v;
}

static uint32_t current_count(const X86Lapic *a, uint64_t now) {
  if (!a->deadline || now >= a->deadline) return 0;
  return (uint32_t)((a->deadline - now + divider(a) - 1) / divider(a));
}

uint32_t lapic_read(X86Lapic *a, uint32_t off, uint64_t now) {
  lapic_update(a, now);
  uint32_t r = off >> 4;
  if (r >= 0x10 && r < 0x18) return a->isr[r - 0x10];
  if (r >= 0x18 && r < 0x20) return a->tmr[r - 0x18];
  if (r >= 0x20 && r < 0x28) return a->irr[r - 0x20];
  switch (off) {
  case 0x20: return a->id << 24;
  case 0x30: return 0x50014; /* integrated APIC version 0x14, six LVT entries (as QEMU's) */
  case 0x80: return a->tpr;
  case 0xa0: return ppr(a);
  case 0xd0: return a->ldr;
  case 0xe0: return a->dfr;
  case 0xf0: return a->svr;
  case 0x280: return a->esr;
  case 0x2f0: return a->lvt[LVT_CMCI];
  case 0x300: return a->icr_lo;
  case 0x310: return a->icr_hi;
  case 0x320: case 0x330: case 0x340: case 0x350: case 0x360: case 0x370: return a->lvt[(off - 0x320) / 16 + 1];
  case 0x380: return a->initial;
  case 0x390: return current_count(a, now);
  case 0x3e0: return a->divide;
  default: return 0;
  }
}

bool lapic_write(X86Lapic *a, uint32_t off, uint32_t v, uint64_t now) {
  lapic_update(a, now);
  switch (off) {
  case 0x80: a->tpr = v & 0xff; return true;
  case 0xb0: { /* EOI: the highest in-service vector is done */
    int i = highest(a->isr);
    a->eoi_level_vector = -1;
    if (i >= 0) {
      a->isr[i >> 5] &= ~(1u << (i & 31));
      if (a->tmr[i >> 5] & (1u << (i & 31))) { a->tmr[i >> 5] &= ~(1u << (i & 31)); a->eoi_level_vector = i; }
    }
    return true;
  }
  case 0xd0: a->ldr = v & 0xff000000u; return false;
  case 0xe0: a->dfr = v | 0x0fffffffu; return false;
  case 0xf0:
    a->svr = v & 0x1ff;
    if (!(v & SVR_ENABLE)) for (int i = 0; i < 7; i++) a->lvt[i] |= LVT_MASKED;
    return true;
  case 0x280: a->esr = 0; return false;
  case 0x2f0: a->lvt[LVT_CMCI] = v & 0x107ff; return false;
  case 0x300: { /* ICR: fixed IPIs to self, by shorthand or by our own physical ID */
    a->icr_lo = v & ~(1u << 12);
    unsigned mode = (v >> 8) & 7, shorthand = (v >> 18) & 3;
    bool self = shorthand == 1 || shorthand == 2 || (shorthand == 0 && (a->icr_hi >> 24) == a->id);
    if (mode == 0 && self) { lapic_raise(a, v & 0xff); return true; }
    return false;
  }
  case 0x310: a->icr_hi = v & 0xff000000u; return false;
  case 0x320:
    a->lvt[LVT_TIMER] = v & 0x700ffu;
    if (TIMER_MODE(a) == 2) a->deadline = 0; /* switching to TSC-deadline mode stops the count */
    if (!(a->svr & SVR_ENABLE)) a->lvt[LVT_TIMER] |= LVT_MASKED;
    return true;
  case 0x330: case 0x340: case 0x350: case 0x360: case 0x370:
    a->lvt[(off - 0x320) / 16 + 1] = v | (a->svr & SVR_ENABLE ? 0 : LVT_MASKED);
    return false;
  case 0x380: /* a write starts the count; 0 stops it (ignored in TSC-deadline mode) */
    if (TIMER_MODE(a) == 2) return false;
    a->initial = v;
    a->start = now;
    a->deadline = v ? now + (uint64_t)v * divider(a) : 0;
    return true;
  case 0x3e0: a->divide = v & 0xb; return false;
  default: return false;
  }
}
