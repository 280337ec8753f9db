/* x86-64 CPU: MMX (SDM vol. 1 ch. 9; the 0F-map integer rows without a prefix) and the SSE
 * integer forms on MM registers. MM0..MM7 are the x87 registers' mantissas by physical number:
 * an MMX instruction sets TOP to 0 and every tag valid, a write sets the exponent bits to ones,
 * and EMMS empties the tags (9.5.1). The lane arithmetic is SSE2's (x86_sse.c) on the low half
 * of an XMM-sized value. */
#include "x86.h"
#include "x86_ops.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)

static uint64_t mm(const X86Cpu *c, int i) { return c->fpr[i & 7].m; }
static void mm_set(X86Cpu *c, int i, uint64_t v) { c->fpr[i & 7].m = v; c->fpr[i & 7].se = 0xffff; }

/* mm/m64 (no alignment requirement) */
static int src(X86Cpu *c, const X86Insn *d, uint64_t *v) {
  if (d->mod == 3) { *v = mm(c, d->rm); return 0; }
  return x86_load(c, x86_ea(c, d), 8, v);
}

bool x86_mmx_op(int op) {
  switch (op) {
  case 0x60 ... 0x6b: case 0x6e ... 0x76: case 0x7e: case 0x7f: case 0xc4: case 0xc5:
  case 0xd1 ... 0xd5: case 0xd7 ... 0xdf: case 0xe0 ... 0xe5: case 0xe7 ... 0xef:
  case 0xf1 ... 0xf7: case 0xf8 ... 0xfe:
    return true;
  default: return false;
  }
}

int x86_mmx(X86Cpu *c, const X86Insn *d) {
  int op = d->op & 0xff, r = d->reg & 7;
  uint64_t v, a = mm(c, r);
  X86Xmm x, y;
  memset(&x, 0, sizeof x); memset(&y, 0, sizeof y);
  switch (op) {
  case 0x6e: CHK(x86_read_rm(c, d, d->rex & 8 ? 8 : 4, &v)); break; /* MOVD/MOVQ mm, r/m */
  case 0x7e: c->fsw &= 0xc7ff; c->ftw = 0xff; return x86_write_rm(c, d, d->rex & 8 ? 8 : 4, d->rex & 8 ? a : (uint32_t)a);
  case 0x6f: CHK(src(c, d, &v)); break; /* MOVQ mm, mm/m64 */
  case 0x7f: case 0xe7: /* MOVQ mm/m64, mm; MOVNTQ m64, mm */
    if (op == 0xe7 && d->mod == 3) return EXC_UD;
    if (d->mod == 3) mm_set(c, d->rm, a);
    else CHK(x86_store(c, x86_ea(c, d), 8, a));
    c->fsw &= 0xc7ff; c->ftw = 0xff;
    return 0;
  case 0x70: /* PSHUFW */
    CHK(src(c, d, &v));
    x.q[0] = v;
    for (int i = 0; i < 4; i++) y.w[i] = x.w[(d->imm >> (2 * i)) & 3];
    v = y.q[0];
    break;
  case 0x71: case 0x72: case 0x73: { /* shifts by an immediate */
    int kind = d->reg & 7;
    if (d->mod != 3 || !(kind == 2 || kind == 6 || (kind == 4 && op != 0x73))) return EXC_UD;
    x.q[0] = mm(c, d->rm);
    x86_sse_shift(&x, op == 0x71 ? 2 : op == 0x72 ? 4 : 8, kind, d->imm & 0xff);
    mm_set(c, d->rm, x.q[0]);
    c->fsw &= 0xc7ff; c->ftw = 0xff;
    return 0;
  }
  case 0xd1: case 0xd2: case 0xd3: case 0xe1: case 0xe2: case 0xf1: case 0xf2: case 0xf3:
    CHK(src(c, d, &v));
    x.q[0] = a;
    x86_sse_shift(&x, (op & 3) == 1 ? 2 : (op & 3) == 2 ? 4 : 8, op >= 0xf0 ? 6 : op >= 0xe0 ? 4 : 2, v);
    v = x.q[0];
    break;
  case 0xc4: /* PINSRW mm, r32/m16, imm8 */
    CHK(x86_read_rm(c, d, 2, &v));
    x.q[0] = a; x.w[d->imm & 3] = (uint16_t)v; v = x.q[0];
    break;
  case 0xc5: /* PEXTRW r32, mm, imm8 */
    if (d->mod != 3) return EXC_UD;
    c->r[d->reg] = (mm(c, d->rm) >> (16 * (d->imm & 3))) & 0xffff;
    c->fsw &= 0xc7ff; c->ftw = 0xff;
    return 0;
  case 0xd7: { /* PMOVMSKB r32, mm */
    if (d->mod != 3) return EXC_UD;
    uint64_t m = mm(c, d->rm), bits = 0;
    for (int i = 0; i < 8; i++) bits |= ((m >> (8 * i + 7)) & 1) << i;
    c->r[d->reg] = bits;
    c->fsw &= 0xc7ff; c->ftw = 0xff;
    return 0;
  }
  case 0xf7: { /* MASKMOVQ: bytes of mm whose mask byte has its top bit, to [rDI] */
    if (d->mod != 3) return EXC_UD;
    uint64_t base = (d->asize == 4 ? (uint32_t)c->r[R_RDI] : c->r[R_RDI]) +
                    (d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0);
    uint64_t m = mm(c, d->rm);
    for (int i = 0; i < 8; i++)
      if ((m >> (8 * i + 7)) & 1) CHK(x86_store(c, base + i, 1, (a >> (8 * i)) & 0xff));
    c->fsw &= 0xc7ff; c->ftw = 0xff;
    return 0;
  }
  default: { /* lane arithmetic: the SSE2 operation on the low 64 bits */
    CHK(src(c, d, &v));
    int o = op;
    if (op >= 0x68 && op <= 0x6a) { x.q[0] = a >> 32; y.q[0] = v >> 32; o = op - 8; } /* high unpacks */
    else if (op == 0x63 || op == 0x67 || op == 0x6b) { x.q[0] = a; x.q[1] = v; } /* packs: a then b */
    else { x.q[0] = a; y.q[0] = v; }
    if (!x86_sse_int(o, &x, &y)) return EXC_UD;
    v = x.q[0];
    break;
  }
  }
  mm_set(c, r, v);
  c->fsw &= 0xc7ff; c->ftw = 0xff;
  return 0;
}
