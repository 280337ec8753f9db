/* x86-64 CPU: guest memory accessors. Without paging linear = physical and RAM is one window
 * (the user-mode runner's identity mapping, the board before CR0.PG); with paging the software
 * TLB (x86_mmu.c) maps 4 KiB pages to host memory. Misses, page-crossing accesses and MMIO take
 * x86_access_slow. Little-endian, unaligned accesses allowed (SDM vol. 1 4.1.1). */
#ifndef C2W_X86_MEM_H
#define C2W_X86_MEM_H
#include "x86.h"

/* the flat window (the user-mode runner's loader and system calls use it directly) */
static inline uint8_t *x86_ptr(X86Cpu *c, uint64_t va, uint64_t len) {
  uint64_t off = va - c->mem_base;
  if (X86_LIKELY(off < c->mem_size && len <= c->mem_size - off)) return c->mem + off;
  c->fault_addr = va;
  return NULL;
}

/* host memory for len bytes at va in *p, or false when the slow path must decide (a flag, not a
 * NULL pointer: the caller's test folds into the hit's own branch) */
static inline __attribute__((always_inline)) bool x86_fast_at(X86Cpu *c, uint64_t va, uint64_t len, int kind, uint8_t **p) {
  /* the TLB first, then the flat window, which is empty with paging on (x86_paging_update,
   * x86_request_stop). One compare covers the page and the page end: the entry is va's, and an access that crosses
   * into the next page ends on a page no entry of va's index holds (QEMU's softmmu test); a free
   * entry's tag (1) is no page, and with paging off every entry is free (x86_paging_update) */
  const X86TlbEntry *e = &c->tlb_at[kind][(va >> 12) & (X86_TLB_SIZE - 1)];
  if (X86_LIKELY(e->tag == ((va + len - 1) & ~0xfffULL))) {
    *p = (uint8_t *)(uintptr_t)(e->addend + va);
    return true;
  }
  if (X86_LIKELY(c->paging)) return false;
  uint64_t off = va - c->mem_base;
  if (X86_LIKELY(off < c->mem_size && len <= c->mem_size - off)) {
    /* the flat window has no TLB to withhold: a store to a frame with blocks takes the slow path,
     * which drops them (ADR 0055) */
    if (kind == ACC_W && ((c->code_gen[off >> 12] | c->code_gen[(off + len - 1) >> 12]) & ~X86_CODE_WMAPPED)) return false;
    *p = c->mem + off;
    return true;
  }
  return false;
}

static inline uint8_t *x86_fast_ptr(X86Cpu *c, uint64_t va, uint64_t len, int kind) {
  uint8_t *p;
  return x86_fast_at(c, va, len, kind, &p) ? p : NULL;
}

/* 8 bytes tested first: a 64-bit kernel's commonest size, one compare instead of a switch's three */
static inline uint64_t x86_rd_le(const uint8_t *p, int size) {
  if (X86_LIKELY(size == 8)) { uint64_t v; memcpy(&v, p, 8); return v; }
  if (size == 4) { uint32_t v; memcpy(&v, p, 4); return v; }
  if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
  return p[0];
}

static inline int x86_load(X86Cpu *c, uint64_t va, int size, uint64_t *val) {
  uint8_t *p;
  if (X86_UNLIKELY(!x86_fast_at(c, va, size, ACC_R, &p))) {
    /* through a local of its own: *val's address never leaves the inlined code, so the caller's
     * variable stays a local in wasm instead of a slot in stack memory (ADR 0039) */
    uint64_t t = 0;
    int e = x86_load_slow(c, va, size, &t);
    *val = t;
    return e;
  }
  *val = x86_rd_le(p, size);
  return 0;
}

static inline int x86_store(X86Cpu *c, uint64_t va, int size, uint64_t val) {
  uint8_t *p;
  if (X86_UNLIKELY(!x86_fast_at(c, va, size, ACC_W, &p))) return x86_store_slow(c, va, size, val);
  if (X86_LIKELY(size == 8)) memcpy(p, &val, 8);
  else if (size == 4) { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); }
  else if (size == 2) { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); }
  else p[0] = (uint8_t)val;
  return 0;
}

static inline int x86_load_bytes(X86Cpu *c, uint64_t va, void *dst, int n) {
  uint8_t *p;
  if (X86_UNLIKELY(!x86_fast_at(c, va, n, ACC_R, &p))) return x86_access_slow(c, va, dst, n, ACC_R);
  memcpy(dst, p, n);
  return 0;
}

static inline int x86_store_bytes(X86Cpu *c, uint64_t va, const void *src, int n) {
  uint8_t *p;
  if (X86_UNLIKELY(!x86_fast_at(c, va, n, ACC_W, &p))) return x86_access_slow(c, va, (void *)src, n, ACC_W);
  memcpy(p, src, n);
  return 0;
}

#endif
