/* x87 data registers and arithmetic: fixed-seed operand sweeps of every basic instruction in
 * each rounding mode (FLDCW), printing the 80-bit result in hex, the status word (condition
 * codes, TOP, exception flags) and the tag word from FNSTENV. FBLD/FBSTP too. Operands are edge values
 * (zeros, infinities, NaNs, denormals, the largest and smallest normals) and random ones. */
#include "lib.h"

typedef struct { u64 m; u16 se; } __attribute__((packed)) f80;

static const f80 edge80[] = {
  {0, 0}, {0, 0x8000}, {1UL << 63, 0x3fff}, {1UL << 63, 0xbfff}, {0xc000000000000000UL, 0x3fff},
  {0xc000000000000000UL, 0x4000}, {1UL << 63, 0x7fff}, {1UL << 63, 0xffff}, {0xc000000000000000UL, 0x7fff},
  {~0UL, 0x7ffe}, {1UL << 63, 0x0001}, {1, 0}, {0x4000000000000000UL, 0x8000}, {0xffffffffffffffffUL, 0x3ffe},
  {0x8000000000000001UL, 0x3fff}, {0xaaaaaaaaaaaaaaabUL, 0x3ffd},
};
#define NE80 (sizeof edge80 / sizeof edge80[0])

/* edge values first, then random normals whose low mantissa bits are often zero (ties) */
static f80 gen(int i, int span) {
  if (i < (int)NE80) return edge80[i];
  f80 v;
  v.m = (rnd() | 1UL << 63) & (~0UL << (rnd() % 64));
  v.se = (u16)((0x3fff + (int)(rnd() % span) - span / 2) | (rnd() & 1) << 15);
  return v;
}

static u16 cw(int rc, int pc) { return (u16)(0x007f | pc << 8 | rc << 10); }

/* Masked out of the status word, where qemu differs from hardware or the SDM leaves bits
 * undefined: C1 when the result is inexact (hardware sets it when rounding went up; qemu never
 * does), DE (qemu does not flag denormal operands), and C0 C2 C3 after arithmetic (undefined; qemu sets C2 for FSQRT of a negative). */
#define CC_ALL 0x4500
#define CC_C2 0x0400 /* FPREM1: qemu's quotient bits C0 C3 C1 differ from hardware's at times */
static u16 ccmask = CC_ALL;
static void show(const f80 *r, u16 sw) {
  u32 env[7];
  if (sw & 0x20) sw &= (u16)~0x0200;
  sw &= (u16)~0x0002;
  sw &= (u16)~(CC_ALL & ~ccmask);
  if (ccmask == CC_C2) sw &= (u16)~0x0200;
  __asm__ volatile("fnstenv %0\n fldenv %0" : "=m"(env));
  putc_(' '); hex(r->se, 4); hex(r->m, 16); putc_(' '); hex(sw, 4); putc_(' '); hex(env[2] & 0xffff, 4);
}

/* r = a <insn> b with ST(0) = a, ST(1) = b; the stack is left empty */
#define BIN(name, insn) \
  static void name(u16 c, const f80 *a, const f80 *b, f80 *r, u16 *sw) { \
    __asm__ volatile("fninit\n fldcw %4\n fldt %1\n fldt %0\n" insn "\n fnstsw %3\n fstpt %2\n ffree %%st(0)\n fincstp" \
                     : : "m"(*a), "m"(*b), "m"(*r), "m"(*sw), "m"(c) : "memory"); \
  }
BIN(fadd_r, "fadd %%st(1), %%st")
BIN(fsub_r, "fsub %%st(1), %%st")
BIN(fsubr_r, "fsubr %%st(1), %%st")
BIN(fmul_r, "fmul %%st(1), %%st")
BIN(fdiv_r, "fdiv %%st(1), %%st")
BIN(fdivr_r, "fdivr %%st(1), %%st")
BIN(faddp_r, "fxch\n faddp %%st, %%st(1)\n fld %%st(0)")
BIN(fsubp_r, "fxch\n fsubp %%st, %%st(1)\n fld %%st(0)")
BIN(fsubrp_r, "fxch\n fsubrp %%st, %%st(1)\n fld %%st(0)")
BIN(fmulp_r, "fxch\n fmulp %%st, %%st(1)\n fld %%st(0)")
BIN(fdivp_r, "fxch\n fdivp %%st, %%st(1)\n fld %%st(0)")
BIN(fdivrp_r, "fxch\n fdivrp %%st, %%st(1)\n fld %%st(0)")
BIN(fsub_st1, "fsub %%st, %%st(1)\n fstp %%st(0)\n fld %%st(0)")
BIN(fdivr_st1, "fdivr %%st, %%st(1)\n fstp %%st(0)\n fld %%st(0)")
BIN(fscale_r, "fscale")
BIN(fcom_r, "fcom %%st(1)")
BIN(fucom_r, "fucom %%st(1)")
BIN(fcomp_r, "fld %%st(0)\n fcomp %%st(2)")
BIN(fcompp_r, "fld %%st(1)\n fld %%st(1)\n fcompp")
BIN(fucompp_r, "fld %%st(1)\n fld %%st(1)\n fucompp")
BIN(fxch_r, "fxch %%st(1)")
BIN(fprem_r, "fprem")
BIN(fprem1_r, "fprem1")
typedef void (*binf)(u16, const f80 *, const f80 *, f80 *, u16 *);

#define UN(name, insn) BIN(name, insn)
UN(fsqrt_r, "fsqrt")
UN(frndint_r, "frndint")
UN(fchs_r, "fchs")
UN(fabs_r, "fabs")
UN(ftst_r, "ftst")
UN(fxam_r, "fxam")
UN(fxtract_sig, "fxtract")
UN(fxtract_exp, "fxtract\n fxch")
/* through memory: binary32, binary64 (rounded by FST, then the m32/m64 arithmetic forms) */
UN(fst32_r, "sub $16, %%rsp\n fsts (%%rsp)\n flds (%%rsp)\n fadds (%%rsp)\n add $16, %%rsp")
UN(fst64_r, "sub $16, %%rsp\n fstl (%%rsp)\n fldl (%%rsp)\n fmull (%%rsp)\n add $16, %%rsp")
UN(fsub64_r, "sub $16, %%rsp\n fstl (%%rsp)\n fld1\n fsubrl (%%rsp)\n fdivl (%%rsp)\n add $16, %%rsp")
UN(fdiv32_r, "sub $16, %%rsp\n fsts (%%rsp)\n fld1\n fdivrs (%%rsp)\n fsubs (%%rsp)\n add $16, %%rsp")

static const binf bins[] = {fadd_r, fsub_r, fsubr_r, fmul_r, fdiv_r, fdivr_r, faddp_r, fsubp_r, fsubrp_r, fmulp_r,
                            fdivp_r, fdivrp_r, fsub_st1, fdivr_st1, fscale_r, fcom_r, fucom_r, fcomp_r, fcompp_r,
                            fucompp_r, fxch_r, fprem_r, fprem1_r};
static const binf uns[] = {fsqrt_r, frndint_r, fchs_r, fabs_r, ftst_r, fxam_r, fst32_r, fst64_r, fsub64_r, fdiv32_r,
                           fxtract_sig, fxtract_exp};

/* integer stores: FIST m16/m32/m64, FISTP, FISTTP */
static void ints(u16 c, const f80 *a) {
  short w; int d; long q; short tw; int td; long tq; u16 sw;
  __asm__ volatile("fninit\n fldcw %8\n fldt %7\n fists %0\n fistl %1\n fld %%st(0)\n fistpll %2\n"
                   "fld %%st(0)\n fisttps %3\n fld %%st(0)\n fisttpl %4\n fisttpll %5\n fnstsw %6"
                   : "=m"(w), "=m"(d), "=m"(q), "=m"(tw), "=m"(td), "=m"(tq), "=m"(sw) : "m"(*a), "m"(c));
  hx((u16)w); hx((u32)d); hx(q); hx((u16)tw); hx((u32)td); hx(tq); putc_(' '); hex(sw, 4);
}

/* FILD m16/m32/m64, then FIADD/FIMUL/FISUB/FIDIV m32/m16 and FICOM */
static void iload(u16 c, u64 v) {
  f80 r; u16 sw;
  short w = (short)v; int d = (int)(v >> 8);
  __asm__ volatile("fninit\n fldcw %5\n fildll %2\n fiaddl %3\n fimuls %4\n fisubrl %3\n fidivs %4\n fidivrl %3\n"
                   "fisubs %4\n ficoml %3\n fnstsw %1\n fstpt %0"
                   : "=m"(r), "=m"(sw) : "m"(v), "m"(d), "m"(w), "m"(c));
  show(&r, sw);
  float f = 0; double g = 0;
  u16 s1, s2, s3;
  __asm__ volatile("fninit\n fldcw %7\n filds %5\n fildl %6\n fsts %3\n fcoms %3\n fnstsw %0\n fstl %4\n fcompl %4\n fnstsw %1\n"
                   "ficomps %5\n fnstsw %2\n fninit"
                   : "=m"(s1), "=m"(s2), "=m"(s3), "=m"(f), "=m"(g) : "m"(w), "m"(d), "m"(c));
  u32 fb; u64 gb; __builtin_memcpy(&fb, &f, 4); __builtin_memcpy(&gb, &g, 8);
  putc_(' '); hex(s1 & 0x4500, 4); putc_(' '); hex(s2 & 0x4500, 4); putc_(' '); hex(s3 & 0x4500, 4); hx(fb); hx(gb);
}

/* FCOMI FUCOMI FCOMIP FUCOMIP: the arithmetic flags they set */
static void comi(const f80 *a, const f80 *b) {
  u64 f1, f2, f3, f4;
  __asm__ volatile("fninit\n fldt %5\n fldt %4\n fcomi %%st(1), %%st\n pushfq\n pop %0\n fucomi %%st(1), %%st\n pushfq\n pop %1\n"
                   "fld %%st(0)\n fcomip %%st(1), %%st\n pushfq\n pop %2\n fld %%st(0)\n fucomip %%st(2), %%st\n pushfq\n pop %3\n fninit"
                   : "=r"(f1), "=r"(f2), "=r"(f3), "=r"(f4) : "m"(*a), "m"(*b) : "memory");
  hx(f1 & FLAGS); hx(f2 & FLAGS); hx(f3 & FLAGS); hx(f4 & FLAGS);
}

/* FCMOVcc after a CMP of x and y: each condition moves ST(1) into ST(0) or not */
static void fcmov(u64 x, u64 y) {
  u64 out = 0, bit = 1;
  f80 r; u16 sw;
#define CM(insn) \
  __asm__ volatile("fninit\n fld1\n fldz\n cmp %3, %2\n " insn " %%st(1), %%st\n fnstsw %1\n fstpt %0\n fninit" \
                   : "=m"(r), "=m"(sw) : "r"(x), "r"(y) : "cc", "memory"); \
  out |= r.se ? bit : 0; bit <<= 1;
  CM("fcmovb") CM("fcmove") CM("fcmovbe") CM("fcmovu") CM("fcmovnb") CM("fcmovne") CM("fcmovnbe") CM("fcmovnu")
  hx(out);
}

static void consts(u16 c) {
  f80 r[7]; u16 sw;
  __asm__ volatile("fninit\n fldcw %8\n fld1\n fldl2t\n fldl2e\n fldpi\n fldlg2\n fldln2\n fldz\n fnstsw %7\n"
                   "fstpt %0\n fstpt %1\n fstpt %2\n fstpt %3\n fstpt %4\n fstpt %5\n fstpt %6"
                   : "=m"(r[6]), "=m"(r[5]), "=m"(r[4]), "=m"(r[3]), "=m"(r[2]), "=m"(r[1]), "=m"(r[0]), "=m"(sw) : "m"(c));
  puts_("consts "); hex(c, 4);
  for (int i = 0; i < 7; i++) show(&r[i], sw);
  nl();
}

/* FXAM of an empty register, FFREE, FINCSTP/FDECSTP, FNSAVE/FRSTOR, FXSAVE */
static void stack(void) {
  static u8 save[108];
  static u8 fx[512] __attribute__((aligned(16)));
  f80 r; u16 sw;
  /* stack overflow and underflow are not compared: qemu does not model them (no IE|SF, no
   * indefinite), where hardware and this CPU do (SDM vol. 1 8.5.1.1) */
  __asm__ volatile("fninit\n fld1\n fldz\n ffree %%st(0)\n fxam\n fnstsw %1\n fincstp\n fstpt %0" : "=m"(r), "=m"(sw));
  puts_("fxam-empty"); show(&r, sw); nl();
  __asm__ volatile("fninit\n fldpi\n fld1\n ffree %%st(1)\n fdecstp\n fincstp\n fnstsw %1\n fstpt %0" : "=m"(r), "=m"(sw));
  puts_("ffree"); show(&r, sw); nl();
  __asm__ volatile("fninit\n fldpi\n fldl2e\n fnsave %0\n fld1\n frstor %0\n fxsave %1\n fstpt %2\n fnstsw %3\n fninit"
                   : "+m"(save), "=m"(fx), "=m"(r), "=m"(sw));
  puts_("fnsave"); show(&r, sw);
  hx(save[8] | save[9] << 8); hx(*(u64 *)(save + 28)); hx(*(u64 *)(save + 38));
  hx(fx[4]); hx(*(u64 *)(fx + 32)); hx(*(u16 *)(fx + 40)); hx(*(u64 *)(fx + 48)); nl();
}

/* FBSTP (rounded by RC) and FBLD of what it stored */
static void bcd(u16 c, const f80 *a) {
  u8 b[10]; f80 r; u16 s1, s2;
  __asm__ volatile("fninit\n fldcw %5\n fldt %4\n fbstp %0\n fnstsw %2\n fbld %0\n fnstsw %3\n fstpt %1"
                   : "=m"(b), "=m"(r), "=m"(s1), "=m"(s2) : "m"(*a), "m"(c));
  putc_(' '); for (int i = 9; i >= 0; i--) hex(b[i], 2);
  if (s1 & 0x20) s1 &= (u16)~0x0200;
  putc_(' '); hex(s1 & ~0x4502, 4); show(&r, s2);
}

int main(void) {
  for (int rc = 0; rc < 4; rc++) consts(cw(rc, 3));
  stack();
  f80 r; u16 sw;
  for (int rc = 0; rc < 4; rc++) {
    for (int pc = 0; pc < 4; pc += rc == 0 ? 1 : 3) { /* every PC with round to nearest */
      if (pc == 1) continue;
      u16 c = cw(rc, pc);
      for (int i = 0; i < 60; i++) {
        f80 a = gen(i, i & 1 ? 140 : 20), b = gen((i * 7 + 3) % 60, i & 2 ? 140 : 20);
        puts_("bin "); hex(c, 4);
        for (unsigned k = 0; k < sizeof bins / sizeof bins[0]; k++) {
          /* qemu rounds FSCALE, FPREM and FPREM1 to PC; the SDM says PC does not apply */
          if (pc != 3 && (k == 14 || k >= 21)) continue;
          ccmask = k == 22 ? CC_C2 : (k >= 15 && k <= 19) || k == 21 ? CC_ALL : 0;
          bins[k](c, &a, &b, &r, &sw); show(&r, sw);
        }
        nl();
        puts_("un "); hex(c, 4);
        for (unsigned k = 0; k < sizeof uns / sizeof uns[0]; k++) {
          /* qemu rounds FRNDINT to PC (not so in the SDM) and its m32/m64 forms differ at PC 24/53 */
          if (pc != 3 && (k == 1 || (k >= 6 && k <= 9))) continue;
          ccmask = k == 4 || k == 5 ? CC_ALL : 0;
          uns[k](c, &a, &a, &r, &sw); show(&r, sw);
        }
        ccmask = CC_ALL;
        nl();
        if (pc != 3) continue;
        f80 n = gen(i, 140);
        if (i >= (int)NE80) n.se = (u16)((n.se & 0x8000) | (0x3fff + rnd() % 70 - 4));
        puts_("int "); hex(c, 4); ints(c, &n); iload(c, operand(i)); bcd(c, &n); nl();
      }
    }
  }
  for (int i = 0; i < 60; i++) {
    f80 a = gen(i, 6), b = gen((i * 5 + 1) % 60, 6);
    if (i % 3 == 0) b = a;
    puts_("comi"); comi(&a, &b); fcmov(operand(i), operand(i + 3)); nl();
  }
  flush();
  return 0;
}
