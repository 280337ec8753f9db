/* fp: the F and D extensions.
   Part 1 (hand-written, from the spec): special values (NaN, infinities, signed zeros),
   canonical NaN, signalling NaN -> NV, NaN boxing of single values in double registers,
   fmin/fmax with sNaN and -0/+0, fcvt to/from integers with saturation and NaN -> max,
   fclass, fsgnj*, feq/flt/fle flags, fmv, loads/stores, fflags accumulation, invalid frm.
   Part 2 (table from gen/fpgen.py, exact rational arithmetic): fadd/fsub/fmul/fdiv/fsqrt
   and the four fused multiply-adds, .s and .d, every static rounding mode and dynamic frm,
   with the exact fflags (NV DZ OF UF NX, tininess after rounding). */
#include "test.h"

struct fp_case { uint8_t op, dbl, rm; u64 a, b, c, res; uint8_t flags; };
#include "fp_table.h"

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

/* double constants */
#define ONE   0x3ff0000000000000ULL
#define TWO   0x4000000000000000ULL
#define THREE 0x4008000000000000ULL
#define HALF  0x3fe0000000000000ULL
#define NEG1  0xbff0000000000000ULL
#define PZ    0x0000000000000000ULL
#define NZ    0x8000000000000000ULL
#define INF   0x7ff0000000000000ULL
#define NINF  0xfff0000000000000ULL
#define QNAN  0x7ff8000000000000ULL   /* canonical */
#define QNANP 0x7ff8000000000123ULL   /* quiet with payload */
#define SNAN  0x7ff0000000000001ULL
#define MAXD  0x7fefffffffffffffULL
#define MIND  0x0010000000000000ULL
#define SUBD  0x0000000000000001ULL
#define P2_5  0x4004000000000000ULL
#define M2_5  0xc004000000000000ULL
/* single constants, NaN-boxed */
#define B(x)  (0xffffffff00000000ULL | (u32)(x))
#define ONES  B(0x3f800000)
#define NEG1S B(0xbf800000)
#define TWOS  B(0x40000000)
#define THREES B(0x40400000)
#define QNANS B(0x7fc00000)
#define SNANS B(0x7f800001)
#define INFS  B(0x7f800000)
#define NZS   B(0x80000000)
#define PZS   B(0x00000000)
#define MAXS  B(0x7f7fffff)
#define P1_5S B(0x3fc00000)
#define P2_5S B(0x40200000)
#define UNBOXED_ONE 0x000000003f800000ULL

static u64 fl;   /* fflags after the last operation */

#define FOP2(insn, a, b) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)), "r"((u64)(b)) : "ft0", "ft1", "ft2"); _r; })
#define FOP2R(insn, rm, a, b) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" insn " ft2, ft0, ft1, " rm "\n\tfmv.x.d %0, ft2\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)), "r"((u64)(b)) : "ft0", "ft1", "ft2"); _r; })
#define FOP1(insn, a) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)) : "ft0", "ft2"); _r; })
#define FOP1R(insn, rm, a) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\t" insn " ft2, ft0, " rm "\n\tfmv.x.d %0, ft2\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)) : "ft0", "ft2"); _r; })
#define FOP3(insn, a, b, c) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\t" insn " ft3, ft0, ft1, ft2\n\tfmv.x.d %0, ft3\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)), "r"((u64)(b)), "r"((u64)(c)) : "ft0", "ft1", "ft2", "ft3"); _r; })
/* f -> x (fcvt to integer, fclass, fmv.x) */
#define FX(insn, a) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\t" insn " %0, ft0\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)) : "ft0"); _r; })
#define FXR(insn, rm, a) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\t" insn " %0, ft0, " rm "\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)) : "ft0"); _r; })
/* compare: f, f -> x */
#define FCMP(insn, a, b) ({ u64 _r; asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" insn " %0, ft0, ft1\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(a)), "r"((u64)(b)) : "ft0", "ft1"); _r; })
/* x -> f (fcvt from integer, fmv.w.x/fmv.d.x); returns the 64-bit register */
#define XF(insn, x) ({ u64 _r; asm volatile("csrw fflags, zero\n\t" insn " ft0, %2\n\tfmv.x.d %0, ft0\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(x)) : "ft0"); _r; })
#define XFR(insn, rm, x) ({ u64 _r; asm volatile("csrw fflags, zero\n\t" insn " ft0, %2, " rm "\n\tfmv.x.d %0, ft0\n\tcsrr %1, fflags" \
  : "=r"(_r), "=r"(fl) : "r"((u64)(x)) : "ft0"); _r; })

#define T(expr, want, wflags) do { u64 _v = (expr); CHECK(_v, want); CHECK(fl, wflags); } while (0)

static void specials(void)
{
  section("special values");
  T(FOP2("fdiv.d", ONE, PZ), INF, DZ);
  T(FOP2("fdiv.d", NEG1, PZ), NINF, DZ);
  T(FOP2("fdiv.d", ONE, NZ), NINF, DZ);
  T(FOP2("fdiv.d", PZ, PZ), QNAN, NV);
  T(FOP2("fdiv.d", QNANP, PZ), QNAN, 0);
  T(FOP2("fsub.d", INF, INF), QNAN, NV);
  T(FOP2("fadd.d", INF, NINF), QNAN, NV);
  T(FOP2("fmul.d", PZ, INF), QNAN, NV);
  T(FOP2("fadd.d", INF, ONE), INF, 0);
  T(FOP2("fdiv.d", ONE, INF), PZ, 0);
  T(FOP1("fsqrt.d", NEG1), QNAN, NV);
  T(FOP1("fsqrt.d", NZ), NZ, 0);
  T(FOP1("fsqrt.d", INF), INF, 0);
  T(FOP1("fsqrt.d", NINF), QNAN, NV);
  T(FOP1("fsqrt.d", QNANP), QNAN, 0);
  T(FOP1("fsqrt.d", SNAN), QNAN, NV);
  section("NaN propagation: always the canonical NaN");
  T(FOP2("fadd.d", QNANP, ONE), QNAN, 0);
  T(FOP2("fadd.d", SNAN, ONE), QNAN, NV);
  T(FOP2("fmul.d", ONE, SNAN), QNAN, NV);
  T(FOP2("fadd.d", QNANP, SNAN), QNAN, NV);
  T(FOP2("fadd.s", B(0x7fc12345), ONES), QNANS, 0);
  T(FOP2("fmul.s", SNANS, TWOS), QNANS, NV);
  section("signed zeros");
  T(FOP2("fadd.d", PZ, NZ), PZ, 0);
  T(FOP2R("fadd.d", "rdn", PZ, NZ), NZ, 0);
  T(FOP2("fadd.d", NZ, NZ), NZ, 0);
  T(FOP2("fsub.d", ONE, ONE), PZ, 0);
  T(FOP2R("fsub.d", "rdn", ONE, ONE), NZ, 0);
  T(FOP2("fmul.d", NEG1, PZ), NZ, 0);
  T(FOP2("fsub.s", ONES, ONES), PZS, 0);
  T(FOP2R("fsub.s", "rdn", ONES, ONES), NZS, 0);
  section("fused multiply-add specials");
  T(FOP3("fmadd.d", INF, PZ, QNAN), QNAN, NV);     /* inf * 0 + qNaN is invalid */
  T(FOP3("fmadd.d", QNANP, ONE, ONE), QNAN, 0);
  T(FOP3("fmadd.d", ONE, ONE, SNAN), QNAN, NV);
  T(FOP3("fmadd.d", TWO, THREE, ONE), 0x401c000000000000ULL, 0);    /*  7 */
  T(FOP3("fmsub.d", TWO, THREE, ONE), 0x4014000000000000ULL, 0);    /*  5 */
  T(FOP3("fnmsub.d", TWO, THREE, ONE), 0xc014000000000000ULL, 0);   /* -5 */
  T(FOP3("fnmadd.d", TWO, THREE, ONE), 0xc01c000000000000ULL, 0);   /* -7 */
  T(FOP3("fnmadd.d", PZ, ONE, PZ), NZ, 0);          /* -(0*1) - 0 = -0 */
  T(FOP3("fmadd.d", PZ, NEG1, PZ), PZ, 0);          /* -0 + 0 = +0 */
  T(FOP3("fmadd.d", INF, ONE, NINF), QNAN, NV);
  T(FOP3("fmadd.s", TWOS, THREES, ONES), B(0x40e00000), 0);
  T(FOP3("fnmsub.s", TWOS, THREES, ONES), B(0xc0a00000), 0);
  section("overflow/underflow");
  T(FOP2("fmul.d", MAXD, TWO), INF, OF | NX);
  T(FOP2R("fmul.d", "rtz", MAXD, TWO), MAXD, OF | NX);
  T(FOP2R("fmul.d", "rup", MAXD | NZ, TWO), MAXD | NZ, OF | NX);
  T(FOP2R("fmul.d", "rdn", MAXD | NZ, TWO), NINF, OF | NX);
  T(FOP2("fadd.d", MAXD, MAXD), INF, OF | NX);
  T(FOP2("fmul.d", MIND, HALF), 0x0008000000000000ULL, 0);   /* tiny but exact: no UF */
  T(FOP2("fdiv.d", SUBD, TWO), PZ, UF | NX);
  T(FOP2R("fdiv.d", "rup", SUBD, TWO), SUBD, UF | NX);
  T(FOP2("fmul.s", MAXS, TWOS), INFS, OF | NX);
  section("fflags accumulate");
  {
    u64 f;
    asm volatile("csrw fflags, zero\n\tfmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t"
                 "fdiv.d ft2, ft0, ft1\n\tfmv.d.x ft1, %3\n\tfadd.d ft2, ft0, ft1\n\tcsrr %0, fflags"
                 : "=r"(f) : "r"(ONE), "r"(PZ), "r"(0x3fb999999999999aULL) : "ft0", "ft1", "ft2");
    CHECK(f, DZ | NX);
    CHECK(csr_read(fcsr) & 0x1f, DZ | NX);
  }
}

static void rounding(void)
{
  section("rounding modes (static and dynamic)");
  T(FOP2R("fdiv.d", "rne", ONE, THREE), 0x3fd5555555555555ULL, NX);
  T(FOP2R("fdiv.d", "rup", ONE, THREE), 0x3fd5555555555556ULL, NX);
  T(FOP2R("fdiv.d", "rdn", NEG1, THREE), 0xbfd5555555555556ULL, NX);
  T(FOP2R("fdiv.d", "rtz", NEG1, THREE), 0xbfd5555555555555ULL, NX);
  T(FOP2R("fadd.s", "rne", ONES, B(0x33800000)), ONES, NX);          /* 1 + 2^-24: tie -> even */
  T(FOP2R("fadd.s", "rmm", ONES, B(0x33800000)), B(0x3f800001), NX); /* tie -> away */
  T(FOP2R("fadd.s", "rup", ONES, B(0x33800000)), B(0x3f800001), NX);
  T(FOP1("fsqrt.d", TWO), 0x3ff6a09e667f3bcdULL, NX);
  T(FOP1("fsqrt.s", TWOS), B(0x3fb504f3), NX);
  T(FOP1R("fsqrt.s", "rtz", TWOS), B(0x3fb504f3), NX);
  T(FOP1R("fsqrt.s", "rup", TWOS), B(0x3fb504f4), NX);
  csr_write(frm, 3);   /* RUP */
  T(FOP2("fdiv.d", ONE, THREE), 0x3fd5555555555556ULL, NX);
  CHECK(csr_read(frm), 3);
  csr_write(frm, 1);   /* RTZ */
  T(FOP2("fmul.d", MAXD, TWO), MAXD, OF | NX);
  csr_write(frm, 0);
  section("invalid rounding modes");
  u64 lab;
  for (int m = 5; m <= 7; m++) {
    csr_write(frm, m);
    expect_trap();
    asm volatile("1:\tfadd.d ft0, ft0, ft0\n\tla %0, 1b" : "=r"(lab) :: "ft0");   /* dyn */
    CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK(trap_epc, lab);
    T(FOP2R("fadd.d", "rne", ONE, ONE), TWO, 0);   /* static modes still work */
  }
  csr_write(frm, 0);
  expect_trap();
  asm volatile(".word 0x02005053");               /* fadd.d f0, f0, f0 with rm = 5 */
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_tval, 0x02005053);
  expect_trap();
  asm volatile(".word 0x02006053");               /* rm = 6 */
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
}

static void boxing(void)
{
  section("NaN boxing");
  T(FOP2("fadd.s", UNBOXED_ONE, UNBOXED_ONE), QNANS, 0);   /* not boxed -> canonical NaN */
  T(FOP2("fadd.s", ONES, UNBOXED_ONE), QNANS, 0);
  T(FOP2("fadd.s", ONES, ONES), TWOS, 0);
  T(FOP2("fsgnj.s", UNBOXED_ONE, NEG1S), B(0xffc00000), 0);
  T(FOP2("fmin.s", UNBOXED_ONE, ONES), ONES, 0);
  T(FX("fmv.x.w", 0x123456789abcdef0ULL), 0xffffffff9abcdef0ULL, 0);   /* no check, sign-extends */
  T(FX("fmv.x.w", B(0x12345678)), 0x12345678, 0);
  T(XF("fmv.w.x", 0xabcdef0112345678ULL), B(0x12345678), 0);
  T(FX("fclass.s", UNBOXED_ONE), 0x200, 0);
  T(FCMP("feq.s", UNBOXED_ONE, UNBOXED_ONE), 0, 0);
  T(FOP1("fcvt.d.s", UNBOXED_ONE), QNAN, 0);
  T(FX("fcvt.w.s", UNBOXED_ONE), 0x7fffffff, NV);
  T(FOP1("fcvt.s.d", ONE), ONES, 0);                 /* results are boxed */
  T(XF("fcvt.s.w", 3), THREES, 0);
  {
    static volatile u64 m[2];
    u64 r;
    m[0] = 0x0123456780000000ULL;
    asm volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(m) : "ft0", "memory");
    CHECK(r, B(0x80000000));
    m[1] = 0;
    asm volatile("fmv.d.x ft0, %0\n\tfsw ft0, 8(%1)" :: "r"(0x1122334455667788ULL), "r"(m) : "ft0", "memory");
    CHECK(m[1], 0x55667788);
    asm volatile("fmv.d.x ft0, %0\n\tfsd ft0, 8(%1)\n\tfld ft1, 8(%1)\n\tfmv.x.d %0, ft1"
                 : "=r"(r) : "r"(m), "0"(SNAN) : "ft0", "ft1", "memory");
    CHECK(r, SNAN);                                   /* moves and loads never canonicalize */
    CHECK(m[1], SNAN);
  }
  T(XF("fmv.d.x", SNAN), SNAN, 0);
  T(FX("fmv.x.d", QNANP), QNANP, 0);
}

static void minmax(void)
{
  section("fmin/fmax");
  T(FOP2("fmin.d", PZ, NZ), NZ, 0);
  T(FOP2("fmin.d", NZ, PZ), NZ, 0);
  T(FOP2("fmax.d", NZ, PZ), PZ, 0);
  T(FOP2("fmax.d", PZ, NZ), PZ, 0);
  T(FOP2("fmin.d", QNANP, ONE), ONE, 0);
  T(FOP2("fmin.d", ONE, QNANP), ONE, 0);
  T(FOP2("fmin.d", SNAN, ONE), ONE, NV);
  T(FOP2("fmax.d", ONE, SNAN), ONE, NV);
  T(FOP2("fmax.d", QNANP, QNANP), QNAN, 0);
  T(FOP2("fmax.d", SNAN, QNANP), QNAN, NV);
  T(FOP2("fmin.d", NEG1, TWO), NEG1, 0);
  T(FOP2("fmax.d", NINF, MAXD | NZ), MAXD | NZ, 0);
  T(FOP2("fmin.s", NZS, PZS), NZS, 0);
  T(FOP2("fmax.s", SNANS, ONES), ONES, NV);
  T(FOP2("fmin.s", QNANS, QNANS), QNANS, 0);
}

static void conversions(void)
{
  section("fcvt to integer");
  T(FX("fcvt.w.d", QNAN), 0x7fffffff, NV);
  T(FX("fcvt.w.d", INF), 0x7fffffff, NV);
  T(FX("fcvt.w.d", NINF), 0xffffffff80000000ULL, NV);
  T(FX("fcvt.w.d", 0x41e65a0bc0000000ULL), 0x7fffffff, NV);            /*  3e9 */
  T(FX("fcvt.w.d", 0xc1e65a0bc0000000ULL), 0xffffffff80000000ULL, NV); /* -3e9 */
  T(FX("fcvt.w.d", 0xc1e0000000000000ULL), 0xffffffff80000000ULL, 0);  /* -2^31 */
  T(FXR("fcvt.w.d", "rtz", 0x41dfffffffe00000ULL), 0x7fffffff, NX);    /* 2^31 - 0.5 */
  T(FXR("fcvt.w.d", "rne", 0x41dfffffffe00000ULL), 0x7fffffff, NV);    /* rounds to 2^31 */
  T(FX("fcvt.wu.d", NEG1), 0, NV);
  T(FXR("fcvt.wu.d", "rtz", 0xbfe0000000000000ULL), 0, NX);            /* -0.5 -> 0 */
  T(FX("fcvt.wu.d", QNAN), 0xffffffffffffffffULL, NV);
  T(FX("fcvt.wu.d", INF), 0xffffffffffffffffULL, NV);
  T(FX("fcvt.wu.d", NINF), 0, NV);
  T(FX("fcvt.wu.d", 0x41efffffffe00000ULL), 0xffffffffffffffffULL, 0); /* 2^32-1, sign-extended */
  T(FX("fcvt.wu.d", 0x41e0000000000000ULL), 0xffffffff80000000ULL, 0); /* 2^31 */
  T(FX("fcvt.l.d", QNAN), 0x7fffffffffffffffULL, NV);
  T(FX("fcvt.l.d", NINF), 0x8000000000000000ULL, NV);
  T(FX("fcvt.l.d", 0x43e02207973f6440ULL), 0x7fffffffffffffffULL, NV); /* 9.3e18 */
  T(FXR("fcvt.l.d", "rne", P2_5), 2, NX);
  T(FXR("fcvt.l.d", "rtz", P2_5), 2, NX);
  T(FXR("fcvt.l.d", "rdn", P2_5), 2, NX);
  T(FXR("fcvt.l.d", "rup", P2_5), 3, NX);
  T(FXR("fcvt.l.d", "rmm", P2_5), 3, NX);
  T(FXR("fcvt.l.d", "rne", M2_5), -2, NX);
  T(FXR("fcvt.l.d", "rtz", M2_5), -2, NX);
  T(FXR("fcvt.l.d", "rdn", M2_5), -3, NX);
  T(FXR("fcvt.l.d", "rup", M2_5), -2, NX);
  T(FXR("fcvt.l.d", "rmm", M2_5), -3, NX);
  T(FX("fcvt.lu.d", QNAN), 0xffffffffffffffffULL, NV);
  T(FX("fcvt.lu.d", NEG1), 0, NV);
  T(FXR("fcvt.lu.d", "rtz", 0xbfeccccccccccccdULL), 0, NX);            /* -0.9 */
  T(FX("fcvt.lu.d", 0x43f0000000000000ULL), 0xffffffffffffffffULL, NV); /* 2^64 */
  T(FX("fcvt.lu.d", 0x43e0000000000000ULL), 0x8000000000000000ULL, 0);  /* 2^63 */
  T(FX("fcvt.w.s", P1_5S), 2, NX);
  T(FXR("fcvt.w.s", "rne", P2_5S), 2, NX);
  T(FXR("fcvt.w.s", "rmm", P2_5S), 3, NX);
  T(FX("fcvt.wu.s", NZS), 0, 0);
  T(FX("fcvt.l.s", QNANS), 0x7fffffffffffffffULL, NV);
  T(FX("fcvt.lu.s", B(0xbf800000)), 0, NV);
  section("fcvt from integer");
  T(XFR("fcvt.d.l", "rne", 0x7fffffffffffffffULL), 0x43e0000000000000ULL, NX);
  T(XFR("fcvt.d.l", "rtz", 0x7fffffffffffffffULL), 0x43dfffffffffffffULL, NX);
  T(XF("fcvt.d.lu", 0xffffffffffffffffULL), 0x43f0000000000000ULL, NX);
  T(XF("fcvt.d.w", 0xffffffffffffffffULL), NEG1, 0);
  T(XF("fcvt.d.wu", 0xffffffffffffffffULL), 0x41efffffffe00000ULL, 0);   /* low 32 bits only */
  T(XF("fcvt.d.w", 0x1234567880000000ULL), 0xc1e0000000000000ULL, 0);
  T(XF("fcvt.d.l", 0), PZ, 0);
  T(XFR("fcvt.s.w", "rne", 16777217), B(0x4b800000), NX);
  T(XFR("fcvt.s.w", "rup", 16777217), B(0x4b800001), NX);
  T(XF("fcvt.s.l", 0xffffffffffffffffULL), NEG1S, 0);
  T(XF("fcvt.s.lu", 0xffffffffffffffffULL), B(0x5f800000), NX);
  T(XF("fcvt.s.wu", 0x80000000ULL), B(0x4f000000), 0);
  section("fcvt between formats");
  T(FOP1R("fcvt.s.d", "rne", 0x3fd5555555555555ULL), B(0x3eaaaaab), NX);
  T(FOP1R("fcvt.s.d", "rtz", 0x3fd5555555555555ULL), B(0x3eaaaaaa), NX);
  T(FOP1R("fcvt.s.d", "rne", MAXD), INFS, OF | NX);
  T(FOP1R("fcvt.s.d", "rtz", MAXD), MAXS, OF | NX);
  T(FOP1("fcvt.s.d", SNAN), QNANS, NV);
  T(FOP1("fcvt.s.d", QNANP), QNANS, 0);
  T(FOP1("fcvt.s.d", 0x358dee7a4ad4b81fULL), PZS, UF | NX);            /* 1e-50 */
  T(FOP1("fcvt.d.s", SNANS), QNAN, NV);
  T(FOP1("fcvt.d.s", P1_5S), 0x3ff8000000000000ULL, 0);
  T(FOP1("fcvt.d.s", B(1)), 0x36a0000000000000ULL, 0);                  /* 2^-149 */
  T(FOP1("fcvt.d.s", NZS), NZ, 0);
}

static void classify_sign_compare(void)
{
  section("fclass");
  T(FX("fclass.d", NINF), 0x001, 0);
  T(FX("fclass.d", NEG1), 0x002, 0);
  T(FX("fclass.d", 0x8000000000000001ULL), 0x004, 0);
  T(FX("fclass.d", NZ), 0x008, 0);
  T(FX("fclass.d", PZ), 0x010, 0);
  T(FX("fclass.d", SUBD), 0x020, 0);
  T(FX("fclass.d", ONE), 0x040, 0);
  T(FX("fclass.d", INF), 0x080, 0);
  T(FX("fclass.d", SNAN), 0x100, 0);
  T(FX("fclass.d", QNANP), 0x200, 0);
  T(FX("fclass.s", B(0xff800000)), 0x001, 0);
  T(FX("fclass.s", B(0x80000001)), 0x004, 0);
  T(FX("fclass.s", B(0x00000001)), 0x020, 0);
  T(FX("fclass.s", SNANS), 0x100, 0);
  T(FX("fclass.s", QNANS), 0x200, 0);
  section("fsgnj");
  T(FOP2("fsgnj.d", ONE, NEG1), NEG1, 0);
  T(FOP2("fsgnjn.d", ONE, NEG1), ONE, 0);
  T(FOP2("fsgnjx.d", NEG1, NEG1), ONE, 0);
  T(FOP2("fsgnjx.d", NEG1, ONE), NEG1, 0);
  T(FOP2("fsgnj.d", SNAN, NEG1), 0xfff0000000000001ULL, 0);   /* no canonicalisation, no NV */
  T(FOP2("fsgnjn.d", QNANP, QNANP), 0xfff8000000000123ULL, 0);  /* fneg */
  T(FOP2("fsgnjx.d", NZ, NZ), PZ, 0);                            /* fabs */
  T(FOP2("fsgnj.s", ONES, NEG1S), NEG1S, 0);
  T(FOP2("fsgnjn.s", NEG1S, NEG1S), ONES, 0);
  section("compare");
  T(FCMP("feq.d", QNAN, ONE), 0, 0);
  T(FCMP("feq.d", SNAN, ONE), 0, NV);
  T(FCMP("flt.d", QNAN, ONE), 0, NV);
  T(FCMP("fle.d", ONE, QNAN), 0, NV);
  T(FCMP("flt.d", NZ, PZ), 0, 0);
  T(FCMP("fle.d", NZ, PZ), 1, 0);
  T(FCMP("feq.d", NZ, PZ), 1, 0);
  T(FCMP("flt.d", NEG1, ONE), 1, 0);
  T(FCMP("fle.d", INF, INF), 1, 0);
  T(FCMP("flt.d", INF, INF), 0, 0);
  T(FCMP("feq.s", QNANS, QNANS), 0, 0);
  T(FCMP("flt.s", ONES, TWOS), 1, 0);
  T(FCMP("fle.s", SNANS, ONES), 0, NV);
}

/* ---- table-driven part ---- */
#define A2(insn, R) asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1, " R "\n\tfmv.x.d %0, ft2" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2")
#define A1(insn, R) asm volatile("fmv.d.x ft0, %1\n\t" insn " ft2, ft0, " R "\n\tfmv.x.d %0, ft2" : "=r"(r) : "r"(a) : "ft0", "ft2")
#define A3(insn, R) asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" insn " ft3, ft0, ft1, ft2, " R "\n\tfmv.x.d %0, ft3" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define RMS(M, insn) switch (rm) { case 0: M(insn, "rne"); break; case 1: M(insn, "rtz"); break; \
  case 2: M(insn, "rdn"); break; case 3: M(insn, "rup"); break; case 4: M(insn, "rmm"); break; default: M(insn, "dyn"); break; }

static u64 run_case(int op, int dbl, int rm, u64 a, u64 b, u64 c)
{
  u64 r = 0;
  if (dbl) {
    switch (op) {
    case 0: RMS(A2, "fadd.d"); break;
    case 1: RMS(A2, "fsub.d"); break;
    case 2: RMS(A2, "fmul.d"); break;
    case 3: RMS(A2, "fdiv.d"); break;
    case 4: RMS(A1, "fsqrt.d"); break;
    case 5: RMS(A3, "fmadd.d"); break;
    case 6: RMS(A3, "fmsub.d"); break;
    case 7: RMS(A3, "fnmsub.d"); break;
    case 8: RMS(A3, "fnmadd.d"); break;
    }
  } else {
    switch (op) {
    case 0: RMS(A2, "fadd.s"); break;
    case 1: RMS(A2, "fsub.s"); break;
    case 2: RMS(A2, "fmul.s"); break;
    case 3: RMS(A2, "fdiv.s"); break;
    case 4: RMS(A1, "fsqrt.s"); break;
    case 5: RMS(A3, "fmadd.s"); break;
    case 6: RMS(A3, "fmsub.s"); break;
    case 7: RMS(A3, "fnmsub.s"); break;
    case 8: RMS(A3, "fnmadd.s"); break;
    }
  }
  return r;
}

static void table(void)
{
  static const char *const opn[] = {"add", "sub", "mul", "div", "sqrt", "madd", "msub", "nmsub", "nmadd"};
  section("table (gen/fpgen.py)");
  u32 bad = 0;
  for (int i = 0; i < FP_NCASES; i++) {
    const struct fp_case *t = &fp_cases[i];
    u64 box = t->dbl ? 0 : 0xffffffff00000000ULL;
    int rm = t->rm;
    if (rm >= 8) { csr_write(frm, rm - 8); rm = 7; }
    csr_write(fflags, 0);
    u64 r = run_case(t->op, t->dbl, rm, t->a | box, t->b | box, t->c | box);
    u64 f = csr_read(fflags);
    csr_write(frm, 0);
    int ok_r = CHECK(r, t->res | box);
    int ok_f = CHECK(f, t->flags);
    if ((!ok_r || !ok_f) && bad++ < 40)
      printf_("  case %d: f%s.%s rm=%d a=%x b=%x c=%x\n", (i64)i, opn[t->op], t->dbl ? "d" : "s",
              (i64)t->rm, t->a, t->b, t->c);
  }
}

int main(void)
{
  specials();
  rounding();
  boxing();
  minmax();
  conversions();
  classify_sign_compare();
  table();
  return 0;
}
