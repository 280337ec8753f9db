/* x87 transcendentals: F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS on special values and
 * fixed-seed random operands over each instruction's domain, in all four rounding modes (and
 * PC 24, which does not apply to them). Each line: the name, the control word, the operands
 * ST(0) and ST(1), then ST(0) and ST(1) after the instruction, the status word and the tag word,
 * all unmasked: x86_64-x87trans.test.ts compares with the host CPU (or qemu) within 1 ulp. */
#include "lib.h"

typedef struct { u64 m; u16 se; } __attribute__((packed)) f80;

static u16 cw(int rc, int pc) { return (u16)(0x007f | pc << 8 | rc << 10); }
static void p80(const f80 *v) { putc_(' '); hex(v->se, 4); hex(v->m, 16); }

/* ST(0) = a, ST(1) = b, run insn, print both and the status and tag words; `fill` registers
 * are pushed first (7 or 8 make FPTAN/FSINCOS overflow the stack) and nothing or one operand
 * is loaded when `load` is 0 or 1 (stack underflow) */
#define OP(name, insn) \
  static void name(u16 c, const f80 *a, const f80 *b, int load, int fill) { \
    f80 r0, r1; u16 sw; u32 env[7]; \
    __asm__ volatile("fninit\n fldcw %0" : : "m"(c)); \
    for (int i = 0; i < fill; i++) __asm__ volatile("fld1"); \
    if (load > 1) __asm__ volatile("fldt %0" : : "m"(*b)); \
    if (load > 0) __asm__ volatile("fldt %0" : : "m"(*a)); \
    __asm__ volatile(insn "\n fnstsw %0\n fnstenv %1\n fldenv %1" : "=m"(sw), "=m"(env) : : "memory"); \
    __asm__ volatile("fstpt %0\n fstpt %1\n fninit" : "=m"(r0), "=m"(r1) : : "memory"); \
    puts_(#name " "); hex(c, 4); p80(a); p80(b); p80(&r0); p80(&r1); \
    putc_(' '); hex(sw, 4); putc_(' '); hex(env[2] & 0xffff, 4); nl(); \
  }
OP(f2xm1, "f2xm1")
OP(fyl2x, "fyl2x")
OP(fyl2xp1, "fyl2xp1")
OP(fpatan, "fpatan")
OP(fsin, "fsin")
OP(fcos, "fcos")
OP(fsincos, "fsincos")
OP(fptan, "fptan")
typedef void (*opf)(u16, const f80 *, const f80 *, int, int);

static const f80 special[] = {
  {0, 0}, {0, 0x8000}, {1UL << 63, 0x3fff}, {1UL << 63, 0xbfff}, {1UL << 63, 0x7fff}, {1UL << 63, 0xffff},
  {0xc000000000000000UL, 0x7fff}, {0xa000000000000000UL, 0x7fff}, {0xc000000000000001UL, 0xffff}, /* QNaN, SNaN */
  {1, 0}, {0x4000000000000000UL, 0x8000}, {1UL << 63, 0x0001}, {~0UL, 0x7ffe}, {~0UL, 0xfffe},
  {1UL << 63, 0x403e}, {~0UL, 0x403d}, {1UL << 63, 0xc03e}, {~0UL, 0xc03d}, {1UL << 63, 0x4100}, /* 2^63 */
  {0xc90fdaa22168c235UL, 0x4000}, {0xc90fdaa22168c234UL, 0x3fff}, {0xc90fdaa22168c235UL, 0x3ffe}, /* pi pi/2 pi/4 */
  {0xb504f333f9de6484UL, 0x3ffe}, {0xb504f333f9de6485UL, 0xbffd}, {1UL << 63, 0x3fbf}, {1UL << 63, 0x3ffe},
  {0x95d5f3d928edad27UL, 0x403c}, /* 2^62 * 1.17: a big multiple-of-pi neighbour */
};
#define NSPECIAL (sizeof special / sizeof special[0])

/* a random finite value with a biased exponent in [lo, hi], either sign unless `pos` */
static f80 rnd80(int lo, int hi, int pos) {
  f80 v;
  v.m = rnd() | 1UL << 63;
  if (rnd() % 8 == 0) v.m &= ~0UL << (rnd() % 64); /* short mantissas: exact and tie cases */
  v.se = (u16)(lo + (int)(rnd() % (u64)(hi - lo + 1)));
  if (!pos && (rnd() & 1)) v.se |= 0x8000;
  return v;
}

/* x near k * pi/2 for k up to 2^40: reduction's cancellation; pi/2 = 0xc90fdaa22168c234c4c6 * 2^-79 */
static f80 near_pi_multiple(void) {
  u64 k = (rnd() >> (24 + rnd() % 40)) | 1;
  unsigned __int128 p = (unsigned __int128)0xc90fdaa22168c234UL * k;
  int e = 0x3fff;
  while (p >> 64) { p >>= 1; e++; }
  while (!((u64)p >> 63)) { p <<= 1; e--; }
  f80 v = {(u64)p + (rnd() % 5) - 2, (u16)e};
  return v;
}

#define BIAS 0x3fff
int main(void) {
  static const opf un[] = {f2xm1, fsin, fcos, fsincos, fptan};
  static const opf bin[] = {fyl2x, fyl2xp1, fpatan};
  for (int rc = 0; rc < 4; rc++) {
    for (int pc = 3; pc >= 0; pc -= 3) {
      if (pc == 0 && rc != 0) continue;
      u16 c = cw(rc, pc);
      for (unsigned i = 0; i < NSPECIAL; i++) {
        for (unsigned k = 0; k < sizeof un / sizeof un[0]; k++) un[k](c, &special[i], &special[0], 1, 0);
        for (unsigned j = 0; j < NSPECIAL; j++)
          for (unsigned k = 0; k < sizeof bin / sizeof bin[0]; k++) bin[k](c, &special[i], &special[j], 2, 0);
      }
      int n = pc == 3 ? 300 : 60;
      for (int i = 0; i < n; i++) {
        f80 a, b;
        /* F2XM1 on [-1, 1], tiny to 1 */
        a = rnd80(i % 3 ? BIAS - 70 : 1, BIAS - 1, 0);
        f2xm1(c, &a, &a, 1, 0);
        /* FYL2X: positive x of any size, near 1 too; y of any size */
        a = i % 4 ? rnd80(1, 0x7ffe, 1) : rnd80(BIAS - 1, BIAS, 1);
        b = rnd80(i % 2 ? BIAS - 200 : 1, i % 2 ? BIAS + 200 : 0x7ffe, 0);
        fyl2x(c, &a, &b, 2, 0);
        /* FYL2XP1: |x| < 1 - sqrt(2)/2 */
        a = rnd80(BIAS - 80, BIAS - 3, 0);
        if (i % 5 == 0) a = rnd80(BIAS - 2, BIAS - 2, 0), a.m &= 0x95f619980c4336f7UL;
        fyl2xp1(c, &a, &b, 2, 0);
        /* FPATAN: any y and x, both signs, close and far exponents */
        a = rnd80(i % 2 ? BIAS - 100 : 1, i % 2 ? BIAS + 100 : 0x7ffe, 0);
        b = rnd80(i % 2 ? BIAS - 100 : 1, i % 2 ? BIAS + 100 : 0x7ffe, 0);
        if (i % 7 == 0) b.se = (u16)((b.se & 0x8000) | (a.se & 0x7fff));
        fpatan(c, &a, &b, 2, 0);
        /* FSIN FCOS FSINCOS FPTAN: |x| < 2^63, small, around pi/4, large, and near multiples of pi/2 */
        switch (i % 4) {
        case 0: a = rnd80(BIAS - 70, BIAS + 62, 0); break;
        case 1: a = rnd80(BIAS - 2, BIAS + 2, 0); break;
        case 2: a = rnd80(BIAS + 20, BIAS + 62, 0); break;
        default: a = near_pi_multiple(); if (rnd() & 1) a.se |= 0x8000; break;
        }
        for (unsigned k = 1; k < sizeof un / sizeof un[0]; k++) un[k](c, &a, &a, 1, 0);
      }
    }
  }
  /* stack faults: nothing to read (underflow), no room to push (overflow) */
  u16 c = cw(0, 3);
  f80 a = {0xc000000000000000UL, 0x3ffe}, b = {1UL << 63, 0x4000};
  for (unsigned k = 0; k < sizeof un / sizeof un[0]; k++) { un[k](c, &a, &b, 0, 0); un[k](c, &a, &b, 1, 7); }
  for (unsigned k = 0; k < sizeof bin / sizeof bin[0]; k++) { bin[k](c, &a, &b, 0, 0); bin[k](c, &a, &b, 1, 0); }
  flush();
  return 0;
}
