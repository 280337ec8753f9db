/* x86-64 CPU: string instructions MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE (SDM vol. 2
 * "REP/REPE/REPZ/REPNE/REPNZ", vol. 1 7.3.9). rSI/rDI/rCX are updated per element, so a fault in
 * the middle leaves a state the instruction restarts from; DF chooses the direction. The source
 * takes a segment override (FS/GS), the destination is always ES (base 0 in 64-bit mode). */
#include "x86.h"
#include "x86_ops.h"

enum { ALU_SUB = 5 };

/* REP MOVS/STOS forward, 64-bit addresses: the elements that lie in the current page of the
 * destination (and of the source) at once, when the flat window or the TLB has both pages (a TLB
 * hit means the access is allowed and the page is RAM); 0 = none, the caller steps one element
 * (which faults, or fills the TLB). Host pointers show a harmful overlap even through aliases. */
static uint64_t rep_chunk(X86Cpu *c, int op, int size, uint64_t seg) {
  uint64_t di = c->r[R_RDI], si = c->r[R_RSI] + seg, room = 4096 - (di & 0xfff);
  bool movs = op <= 0xa5;
  if (movs && 4096 - (si & 0xfff) < room) room = 4096 - (si & 0xfff);
  uint64_t k = room / (unsigned)size;
  if (k > c->r[R_RCX]) k = c->r[R_RCX];
  if (k == 0) return 0;
  uint64_t bytes = k * (unsigned)size;
  uint8_t *dst = x86_fast_ptr(c, di, bytes, ACC_W);
  if (!dst) return 0;
  if (movs) {
    const uint8_t *src = x86_fast_ptr(c, si, bytes, ACC_R);
    if (!src || (dst > src && dst < src + bytes)) return 0; /* forward steps repeat a pattern */
    memmove(dst, src, bytes);
    c->r[R_RSI] += bytes;
  } else if (size == 1) {
    memset(dst, (int)(c->r[R_RAX] & 0xff), bytes);
  } else {
    uint64_t v = c->r[R_RAX] & x86_mask(size);
    if (v == (0x0101010101010101ULL & x86_mask(size)) * (v & 0xff)) memset(dst, (int)(v & 0xff), bytes); /* zeroing, mostly */
    else for (uint64_t i = 0; i < k; i++) memcpy(dst + i * (unsigned)size, &v, (unsigned)size);
  }
  c->r[R_RDI] += bytes;
  c->r[R_RCX] -= k;
  return k;
}

int x86_string(X86Cpu *c, const X86Insn *d) {
  int op = d->op;
  int size = (op & 1) ? d->osize : 1;
  uint64_t am = d->asize == 4 ? 0xffffffffULL : ~0ULL;
  uint64_t seg = d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0;
  int64_t step = (c->rflags & FLAG_DF) ? -size : size;
  bool cmp = op == 0xa6 || op == 0xa7 || op == 0xae || op == 0xaf;
  bool rep = d->rep != REP_NONE;
  uint64_t *rsi = &c->r[R_RSI], *rdi = &c->r[R_RDI], *rcx = &c->r[R_RCX];
#define SETA(p, v) (*(p) = d->asize == 4 ? (uint32_t)(v) : (v))
  if (rep && (*rcx & am) == 0) return 0;
  /* REP MOVS/STOS forward without a harmful overlap: one host copy */
  if (rep && step > 0 && (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab) && d->asize == 8 && !c->paging) {
    uint64_t n = *rcx, bytes = n * (uint64_t)size;
    if (bytes / size == n && bytes < (1ULL << 40)) {
      uint8_t *dst = x86_ptr(c, *rdi, bytes);
      if (op >= 0xaa) {
        if (dst) {
          uint64_t v = c->r[R_RAX];
          if (size == 1) memset(dst, (int)(v & 0xff), bytes);
          else for (uint64_t i = 0; i < n; i++) memcpy(dst + i * size, &v, size);
          *rdi += bytes; *rcx = 0;
          return 0;
        }
      } else {
        uint64_t src_va = *rsi + seg;
        const uint8_t *src = x86_ptr(c, src_va, bytes);
        if (dst && src && !(src_va < *rdi && *rdi < src_va + bytes)) {
          memmove(dst, src, bytes);
          *rsi += bytes; *rdi += bytes; *rcx = 0;
          return 0;
        }
      }
    }
  }
  bool chunks = rep && step > 0 && (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab) && d->asize == 8;
  for (;;) {
    uint64_t a, b;
    int e = 0;
    if (chunks && rep_chunk(c, op, size, seg)) {
      if (*rcx == 0) return 0;
      continue;
    }
    switch (op) {
    case 0xa4: case 0xa5: /* MOVS */
      e = x86_load(c, ((*rsi + seg) & am), size, &a);
      if (!e) e = x86_store(c, *rdi & am, size, a);
      if (e) return e;
      SETA(rsi, *rsi + step); SETA(rdi, *rdi + step);
      break;
    case 0xa6: case 0xa7: /* CMPS: compares [rSI] - [rDI] */
      e = x86_load(c, (*rsi + seg) & am, size, &a);
      if (!e) e = x86_load(c, *rdi & am, size, &b);
      if (e) return e;
      x86_alu(c, ALU_SUB, size, a, b);
      SETA(rsi, *rsi + step); SETA(rdi, *rdi + step);
      break;
    case 0xaa: case 0xab: /* STOS */
      if ((e = x86_store(c, *rdi & am, size, c->r[R_RAX]))) return e;
      SETA(rdi, *rdi + step);
      break;
    case 0xac: case 0xad: /* LODS */
      if ((e = x86_load(c, (*rsi + seg) & am, size, &a))) return e;
      if (size == 4) c->r[R_RAX] = (uint32_t)a;
      else if (size == 8) c->r[R_RAX] = a;
      else c->r[R_RAX] = (c->r[R_RAX] & ~x86_mask(size)) | a;
      SETA(rsi, *rsi + step);
      break;
    default: /* SCAS: compares rAX - [rDI] */
      if ((e = x86_load(c, *rdi & am, size, &b))) return e;
      x86_alu(c, ALU_SUB, size, c->r[R_RAX], b);
      SETA(rdi, *rdi + step);
      break;
    }
    if (!rep) return 0;
    SETA(rcx, *rcx - 1);
    if ((*rcx & am) == 0) return 0;
    if (cmp) {
      bool zf = x86_cond(c, 4 /* Z */);
      if (d->rep == REP_F3 && !zf) return 0;
      if (d->rep == REP_F2 && zf) return 0;
    }
  }
#undef SETA
}
