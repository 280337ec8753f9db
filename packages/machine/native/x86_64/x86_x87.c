/* x86-64 CPU: the x87 FPU's control state and FXSAVE/FXRSTOR (SDM vol. 1 8.1.5-8.1.8 control,
 * status and tag words; vol. 2 FNSTENV/FLDENV 28-byte format, FXSAVE table 3-53). The x87 data
 * registers and arithmetic are not implemented yet (#UD): this is what compiled C code touches
 * without computing in x87, e.g. glibc's printf reading the rounding mode with FNSTCW, and the
 * XMM/MXCSR state a context switch saves. */
#include "x86.h"
#include "x86_ops.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)
#define FCW_DEFAULT 0x037f
#define MXCSR_MASK 0xffffu /* every MXCSR bit writable, DAZ included */

/* the full tag word from the abridged one (FXSAVE's): 11 = empty; nothing else exists yet */
static uint16_t full_tags(uint8_t abridged) {
  uint16_t t = 0;
  for (int i = 0; i < 8; i++) t |= (uint16_t)((abridged >> i) & 1 ? 0 : 3) << (2 * i);
  return t;
}

int x86_x87(X86Cpu *c, const X86Insn *d) {
  int op = d->op, reg = d->reg & 7;
  uint64_t v;
  if (d->mod == 3) {
    int rm = d->rm & 7;
    if (op == 0xdf && reg == 4 && rm == 0) { /* FNSTSW AX */
      c->r[R_RAX] = (c->r[R_RAX] & ~0xffffULL) | c->fsw;
      return 0;
    }
    if (op == 0xdb && reg == 4 && rm == 2) { c->fsw &= 0x7f00; return 0; } /* FNCLEX */
    if (op == 0xdb && reg == 4 && rm == 3) { /* FNINIT */
      c->fcw = FCW_DEFAULT; c->fsw = 0; c->ftw = 0;
      return 0;
    }
    return EXC_UD;
  }
  uint64_t ea = x86_ea(c, d);
  if (op == 0xd9 && reg == 5) { /* FLDCW */
    CHK(x86_load(c, ea, 2, &v));
    c->fcw = (uint16_t)v;
    return 0;
  }
  if (op == 0xd9 && reg == 7) return x86_store(c, ea, 2, c->fcw); /* FNSTCW */
  if (op == 0xdd && reg == 7) return x86_store(c, ea, 2, c->fsw); /* FNSTSW m16 */
  if (op == 0xd9 && reg == 6) { /* FNSTENV: 28 bytes, then all exceptions masked */
    uint8_t env[28];
    memset(env, 0, sizeof env);
    uint16_t w[3] = {c->fcw, c->fsw, full_tags(c->ftw)};
    for (int i = 0; i < 3; i++) { env[4 * i] = (uint8_t)w[i]; env[4 * i + 1] = (uint8_t)(w[i] >> 8); }
    CHK(x86_store_bytes(c, ea, env, sizeof env));
    c->fcw |= 0x3f;
    return 0;
  }
  if (op == 0xd9 && reg == 4) { /* FLDENV */
    uint8_t env[28];
    CHK(x86_load_bytes(c, ea, env, sizeof env));
    c->fcw = (uint16_t)(env[0] | env[1] << 8);
    c->fsw = (uint16_t)(env[4] | env[5] << 8);
    uint16_t t = (uint16_t)(env[8] | env[9] << 8);
    c->ftw = 0;
    for (int i = 0; i < 8; i++) if (((t >> (2 * i)) & 3) != 3) c->ftw |= (uint8_t)(1 << i);
    return 0;
  }
  return EXC_UD;
}

/* FXSAVE (0F AE /0) and FXRSTOR (0F AE /1): 512 bytes, 16-byte aligned. FIP/FDP/FOP and the
 * data registers are stored as zeros (no x87 data state yet); bytes 416..511 are left alone. */
int x86_fxsave(X86Cpu *c, const X86Insn *d, bool restore) {
  uint64_t ea = x86_ea(c, d);
  if (ea & 15) return EXC_GP;
  uint8_t area[416];
  if (!restore) {
    memset(area, 0, sizeof area);
    area[0] = (uint8_t)c->fcw; area[1] = (uint8_t)(c->fcw >> 8);
    area[2] = (uint8_t)c->fsw; area[3] = (uint8_t)(c->fsw >> 8);
    area[4] = c->ftw;
    memcpy(area + 24, &c->mxcsr, 4);
    uint32_t mask = MXCSR_MASK;
    memcpy(area + 28, &mask, 4);
    memcpy(area + 160, c->xmm, 256);
    return x86_store_bytes(c, ea, area, sizeof area);
  }
  CHK(x86_load_bytes(c, ea, area, sizeof area));
  uint32_t mxcsr;
  memcpy(&mxcsr, area + 24, 4);
  if (mxcsr & ~MXCSR_MASK) return EXC_GP;
  c->fcw = (uint16_t)(area[0] | area[1] << 8);
  c->fsw = (uint16_t)(area[2] | area[3] << 8);
  c->ftw = area[4];
  c->mxcsr = mxcsr;
  memcpy(c->xmm, area + 160, 256);
  return 0;
}
