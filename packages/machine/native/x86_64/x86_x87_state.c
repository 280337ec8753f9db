/* x86-64 CPU: the x87 control state in memory (SDM vol. 1 8.1.10 FNSTENV/FLDENV 28-byte and
 * FNSAVE/FRSTOR 108-byte 64-bit-mode formats; vol. 2 FXSAVE table 3-53). FIP/FDP/FOP are not
 * tracked and are stored as zeros. */
#include "x86_x87.h"
#include "x86_ops.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)
#define FCW_DEFAULT 0x037f
#define MXCSR_MASK 0xffffu /* every MXCSR bit writable, DAZ included */

/* the full tag word (by physical register): 00 valid, 01 zero, 10 special, 11 empty */
static uint16_t full_tags(const X86Cpu *c) {
  uint16_t t = 0;
  for (int i = 0; i < 8; i++) {
    F80 a = c->fpr[i];
    int e = a.se & 0x7fff, tag;
    if (!((c->ftw >> i) & 1)) tag = 3;
    else if (e == 0 && a.m == 0) tag = 1;
    else if (e == 0x7fff || e == 0 || !(a.m >> 63)) tag = 2;
    else tag = 0;
    t |= (uint16_t)(tag << (2 * i));
  }
  return t;
}

static void abridge(X86Cpu *c, uint16_t t) {
  c->ftw = 0;
  for (int i = 0; i < 8; i++) if (((t >> (2 * i)) & 3) != 3) c->ftw |= (uint8_t)(1 << i);
}

static int store_env(X86Cpu *c, uint64_t ea) {
  uint8_t env[28];
  memset(env, 0, sizeof env);
  uint16_t w[3] = {c->fcw, c->fsw, full_tags(c)};
  for (int i = 0; i < 3; i++) { env[4 * i] = (uint8_t)w[i]; env[4 * i + 1] = (uint8_t)(w[i] >> 8); }
  return x86_store_bytes(c, ea, env, sizeof env);
}

static int load_env(X86Cpu *c, uint64_t ea) {
  uint8_t env[28];
  CHK(x86_load_bytes(c, ea, env, sizeof env));
  c->fcw = (uint16_t)(env[0] | env[1] << 8);
  c->fsw = (uint16_t)(env[4] | env[5] << 8);
  abridge(c, (uint16_t)(env[8] | env[9] << 8));
  return 0;
}

int x86_x87_control(X86Cpu *c, const X86Insn *d, uint64_t ea) {
  uint64_t v;
  int top = (c->fsw >> 11) & 7;
  switch ((d->op == 0xdd) << 3 | (d->reg & 7)) {
  case 4: return load_env(c, ea); /* FLDENV */
  case 5: CHK(x86_load(c, ea, 2, &v)); c->fcw = (uint16_t)v; return 0; /* FLDCW */
  case 6: CHK(store_env(c, ea)); c->fcw |= 0x3f; return 0; /* FNSTENV, then all exceptions masked */
  case 7: return x86_store(c, ea, 2, c->fcw); /* FNSTCW */
  case 8 | 4: /* FRSTOR: the environment, then ST(0)..ST(7) */
    CHK(load_env(c, ea));
    top = (c->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) CHK(x86_f80_load(c, ea + 28 + 10 * i, &c->fpr[(top + i) & 7]));
    return 0;
  case 8 | 6: /* FNSAVE, then FNINIT */
    CHK(store_env(c, ea));
    for (int i = 0; i < 8; i++) CHK(x86_f80_store(c, ea + 28 + 10 * i, c->fpr[(top + i) & 7]));
    c->fcw = FCW_DEFAULT; c->fsw = 0; c->ftw = 0;
    return 0;
  case 8 | 7: return x86_store(c, ea, 2, c->fsw); /* FNSTSW m16 */
  default: return EXC_UD;
  }
}

/* FXSAVE (0F AE /0) and FXRSTOR (0F AE /1): 512 bytes, 16-byte aligned; ST(i) at 32 + 16i;
 * bytes 416..511 are left alone */
int x86_fxsave(X86Cpu *c, const X86Insn *d, bool restore) {
  uint64_t ea = x86_ea(c, d);
  if (ea & 15) return EXC_GP;
  uint8_t area[416];
  int top = (c->fsw >> 11) & 7;
  if (!restore) {
    memset(area, 0, sizeof area);
    area[0] = (uint8_t)c->fcw; area[1] = (uint8_t)(c->fcw >> 8);
    area[2] = (uint8_t)c->fsw; area[3] = (uint8_t)(c->fsw >> 8);
    area[4] = c->ftw;
    for (int i = 0; i < 8; i++) {
      F80 a = c->fpr[(top + i) & 7];
      memcpy(area + 32 + 16 * i, &a.m, 8);
      area[40 + 16 * i] = (uint8_t)a.se; area[41 + 16 * i] = (uint8_t)(a.se >> 8);
    }
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
  top = (c->fsw >> 11) & 7;
  for (int i = 0; i < 8; i++) {
    F80 *a = &c->fpr[(top + i) & 7];
    memcpy(&a->m, area + 32 + 16 * i, 8);
    a->se = (uint16_t)(area[40 + 16 * i] | area[41 + 16 * i] << 8);
  }
  c->mxcsr = mxcsr;
  memcpy(c->xmm, area + 160, 256);
  return 0;
}
