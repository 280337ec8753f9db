/* x86-64 CPU: guest memory accessors. For now one flat window where virtual = physical (the
 * user-mode runner's identity mapping); 4-level paging and the TLB replace the window check when
 * the board arrives. Little-endian, unaligned accesses allowed (SDM vol. 1 4.1.1). */
#ifndef C2W_X86_MEM_H
#define C2W_X86_MEM_H
#include "x86.h"

static inline uint8_t *x86_ptr(X86Cpu *c, uint64_t va, uint64_t len) {
  uint64_t off = va - c->mem_base;
  if (X86_LIKELY(off < c->mem_size && len <= c->mem_size - off)) return c->mem + off;
  c->fault_addr = va;
  return NULL;
}

static inline int x86_load(X86Cpu *c, uint64_t va, int size, uint64_t *val) {
  const uint8_t *p = x86_ptr(c, va, size);
  if (X86_UNLIKELY(!p)) return EXC_PF;
  switch (size) {
  case 1: *val = p[0]; break;
  case 2: { uint16_t v; memcpy(&v, p, 2); *val = v; break; }
  case 4: { uint32_t v; memcpy(&v, p, 4); *val = v; break; }
  default: { uint64_t v; memcpy(&v, p, 8); *val = v; break; }
  }
  return 0;
}

static inline int x86_store(X86Cpu *c, uint64_t va, int size, uint64_t val) {
  uint8_t *p = x86_ptr(c, va, size);
  if (X86_UNLIKELY(!p)) return EXC_PF;
  switch (size) {
  case 1: p[0] = (uint8_t)val; break;
  case 2: { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); break; }
  case 4: { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); break; }
  default: memcpy(p, &val, 8); break;
  }
  return 0;
}

static inline int x86_load_bytes(X86Cpu *c, uint64_t va, void *dst, int n) {
  const uint8_t *p = x86_ptr(c, va, n);
  if (X86_UNLIKELY(!p)) return EXC_PF;
  memcpy(dst, p, n);
  return 0;
}

static inline int x86_store_bytes(X86Cpu *c, uint64_t va, const void *src, int n) {
  uint8_t *p = x86_ptr(c, va, n);
  if (X86_UNLIKELY(!p)) return EXC_PF;
  memcpy(p, src, n);
  return 0;
}

#endif
