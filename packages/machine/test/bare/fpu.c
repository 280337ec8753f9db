/* F/D differential test: runs every arithmetic, conversion, compare and classify instruction on
 * special and pseudo-random operands in all five rounding modes and prints, per instruction, an
 * FNV-1a hash of (result bits, fflags). The same binary on qemu-system-riscv64 (softfloat, the
 * reference) must print the same lines. */
#include "common.h"

static u64 h;
static void mix(u64 v) { for (int i = 0; i < 8; i++) { h ^= (v >> (8 * i)) & 0xff; h *= 0x100000001b3ULL; } }
static u64 rng = 0x9e3779b97f4a7c15ULL;
static u64 rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static const u64 D_SPECIAL[] = {
  0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
  0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff,
  0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff4000000000000,
  0x3ff8000000000000, 0x4340000000000001, 0x3fe0000000000000, 0xc1e0000000000000,
  0x41dfffffffc00000, 0x43e0000000000000, 0x3ca0000000000000, 0x000fffffffffffff,
  0x4000000000000000, 0x3fefffffffffffff, 0xc3e0000000000001, 0x41f0000000000000,
};
static const u32 S_SPECIAL[] = {
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x3fc00000, 0x4b800001, 0x3f000000, 0xcf000000,
  0x4effffff, 0x5f000000, 0x33800000, 0x007fffff, 0x40000000, 0x3f7fffff, 0xdf000001, 0x4f800000,
};
#define ND (sizeof D_SPECIAL / sizeof D_SPECIAL[0])
#define NOPS 64

static u64 dval(int i) { return i < (int)ND ? D_SPECIAL[i] : rnd(); }
static u64 sval(int i) { return 0xffffffff00000000ULL | (i < (int)ND ? S_SPECIAL[i] : (u32)rnd()); }

static void setrm(int rm) { asm volatile("csrw frm, %0" :: "r"(rm)); }
static u64 flags(void) { u64 f; asm volatile("csrrw %0, fflags, zero" : "=r"(f)); return f; }

#define BIN_F(name, insn)                                                                     \
  static void name(u64 a, u64 b) {                                                            \
    u64 r; asm volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n " insn " ft2, ft0, ft1\n fmv.x.d %0, ft2" \
                        : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");                   \
    mix(r); mix(flags());                                                                     \
  }
#define UN_F(name, insn)                                                                      \
  static void name(u64 a, u64 b) {                                                            \
    (void)b; u64 r; asm volatile("fmv.d.x ft0, %1\n " insn " ft2, ft0\n fmv.x.d %0, ft2" : "=r"(r) : "r"(a) : "ft0", "ft2"); \
    mix(r); mix(flags());                                                                     \
  }
#define TOX_F(name, insn)                                                                     \
  static void name(u64 a, u64 b) {                                                            \
    (void)b; u64 r; asm volatile("fmv.d.x ft0, %1\n " insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); \
    mix(r); mix(flags());                                                                     \
  }
#define CMP_F(name, insn)                                                                     \
  static void name(u64 a, u64 b) {                                                            \
    u64 r; asm volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n " insn " %0, ft0, ft1" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1"); \
    mix(r); mix(flags());                                                                     \
  }
#define FROMX_F(name, insn)                                                                   \
  static void name(u64 a, u64 b) {                                                            \
    (void)b; u64 r; asm volatile(insn " ft2, %1\n fmv.x.d %0, ft2" : "=r"(r) : "r"(a) : "ft2"); \
    mix(r); mix(flags());                                                                     \
  }
#define FMA_F(name, insn)                                                                     \
  static void name(u64 a, u64 b) {                                                            \
    u64 c = rnd() & 1 ? dval((int)(rnd() % 40)) : (a ^ b);                                    \
    u64 r; asm volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft3, %3\n " insn " ft2, ft0, ft1, ft3\n fmv.x.d %0, ft2" \
                        : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3");   \
    mix(r); mix(flags());                                                                     \
  }

BIN_F(fadd_d, "fadd.d") BIN_F(fsub_d, "fsub.d") BIN_F(fmul_d, "fmul.d") BIN_F(fdiv_d, "fdiv.d")
BIN_F(fmin_d, "fmin.d") BIN_F(fmax_d, "fmax.d") BIN_F(fsgnj_d, "fsgnj.d") BIN_F(fsgnjn_d, "fsgnjn.d") BIN_F(fsgnjx_d, "fsgnjx.d")
UN_F(fsqrt_d, "fsqrt.d") UN_F(fcvt_s_d, "fcvt.s.d")
TOX_F(fcvt_w_d, "fcvt.w.d") TOX_F(fcvt_wu_d, "fcvt.wu.d") TOX_F(fcvt_l_d, "fcvt.l.d") TOX_F(fcvt_lu_d, "fcvt.lu.d")
TOX_F(fclass_d, "fclass.d")
CMP_F(feq_d, "feq.d") CMP_F(flt_d, "flt.d") CMP_F(fle_d, "fle.d")
FROMX_F(fcvt_d_w, "fcvt.d.w") FROMX_F(fcvt_d_wu, "fcvt.d.wu") FROMX_F(fcvt_d_l, "fcvt.d.l") FROMX_F(fcvt_d_lu, "fcvt.d.lu")
FMA_F(fmadd_d, "fmadd.d") FMA_F(fmsub_d, "fmsub.d") FMA_F(fnmadd_d, "fnmadd.d") FMA_F(fnmsub_d, "fnmsub.d")
BIN_F(fadd_s, "fadd.s") BIN_F(fsub_s, "fsub.s") BIN_F(fmul_s, "fmul.s") BIN_F(fdiv_s, "fdiv.s")
BIN_F(fmin_s, "fmin.s") BIN_F(fmax_s, "fmax.s") BIN_F(fsgnj_s, "fsgnj.s") BIN_F(fsgnjn_s, "fsgnjn.s") BIN_F(fsgnjx_s, "fsgnjx.s")
UN_F(fsqrt_s, "fsqrt.s") UN_F(fcvt_d_s, "fcvt.d.s")
TOX_F(fcvt_w_s, "fcvt.w.s") TOX_F(fcvt_wu_s, "fcvt.wu.s") TOX_F(fcvt_l_s, "fcvt.l.s") TOX_F(fcvt_lu_s, "fcvt.lu.s")
TOX_F(fclass_s, "fclass.s") TOX_F(fmv_x_w, "fmv.x.w")
CMP_F(feq_s, "feq.s") CMP_F(flt_s, "flt.s") CMP_F(fle_s, "fle.s")
FROMX_F(fcvt_s_w, "fcvt.s.w") FROMX_F(fcvt_s_wu, "fcvt.s.wu") FROMX_F(fcvt_s_l, "fcvt.s.l") FROMX_F(fcvt_s_lu, "fcvt.s.lu")
FROMX_F(fmv_w_x, "fmv.w.x")
FMA_F(fmadd_s, "fmadd.s") FMA_F(fmsub_s, "fmsub.s") FMA_F(fnmadd_s, "fnmadd.s") FMA_F(fnmsub_s, "fnmsub.s")

typedef struct { const char *name; void (*fn)(u64, u64); int kind; } Op; /* kind: 0 double, 1 single, 2 int source */
static const Op OPS[] = {
  {"fadd.d", fadd_d, 0}, {"fsub.d", fsub_d, 0}, {"fmul.d", fmul_d, 0}, {"fdiv.d", fdiv_d, 0},
  {"fmin.d", fmin_d, 0}, {"fmax.d", fmax_d, 0}, {"fsgnj.d", fsgnj_d, 0}, {"fsgnjn.d", fsgnjn_d, 0}, {"fsgnjx.d", fsgnjx_d, 0},
  {"fsqrt.d", fsqrt_d, 0}, {"fcvt.s.d", fcvt_s_d, 0}, {"fcvt.w.d", fcvt_w_d, 0}, {"fcvt.wu.d", fcvt_wu_d, 0},
  {"fcvt.l.d", fcvt_l_d, 0}, {"fcvt.lu.d", fcvt_lu_d, 0}, {"fclass.d", fclass_d, 0},
  {"feq.d", feq_d, 0}, {"flt.d", flt_d, 0}, {"fle.d", fle_d, 0},
  {"fcvt.d.w", fcvt_d_w, 2}, {"fcvt.d.wu", fcvt_d_wu, 2}, {"fcvt.d.l", fcvt_d_l, 2}, {"fcvt.d.lu", fcvt_d_lu, 2},
  {"fmadd.d", fmadd_d, 0}, {"fmsub.d", fmsub_d, 0}, {"fnmadd.d", fnmadd_d, 0}, {"fnmsub.d", fnmsub_d, 0},
  {"fadd.s", fadd_s, 1}, {"fsub.s", fsub_s, 1}, {"fmul.s", fmul_s, 1}, {"fdiv.s", fdiv_s, 1},
  {"fmin.s", fmin_s, 1}, {"fmax.s", fmax_s, 1}, {"fsgnj.s", fsgnj_s, 1}, {"fsgnjn.s", fsgnjn_s, 1}, {"fsgnjx.s", fsgnjx_s, 1},
  {"fsqrt.s", fsqrt_s, 1}, {"fcvt.d.s", fcvt_d_s, 1}, {"fcvt.w.s", fcvt_w_s, 1}, {"fcvt.wu.s", fcvt_wu_s, 1},
  {"fcvt.l.s", fcvt_l_s, 1}, {"fcvt.lu.s", fcvt_lu_s, 1}, {"fclass.s", fclass_s, 1}, {"fmv.x.w", fmv_x_w, 1},
  {"feq.s", feq_s, 1}, {"flt.s", flt_s, 1}, {"fle.s", fle_s, 1},
  {"fcvt.s.w", fcvt_s_w, 2}, {"fcvt.s.wu", fcvt_s_wu, 2}, {"fcvt.s.l", fcvt_s_l, 2}, {"fcvt.s.lu", fcvt_s_lu, 2},
  {"fmv.w.x", fmv_w_x, 2},
  {"fmadd.s", fmadd_s, 1}, {"fmsub.s", fmsub_s, 1}, {"fnmadd.s", fnmadd_s, 1}, {"fnmsub.s", fnmsub_s, 1},
};

int main_(void) {
  u64 total = 0xcbf29ce484222325ULL;
  for (unsigned k = 0; k < sizeof OPS / sizeof OPS[0]; k++) {
    const Op *op = &OPS[k];
    h = 0xcbf29ce484222325ULL;
    rng = 0x9e3779b97f4a7c15ULL + k;
    for (int rm = 0; rm < 5; rm++) {
      setrm(rm);
      for (int i = 0; i < 40; i++) {
        for (int j = 0; j < 40; j++) {
          u64 a, b;
          if (op->kind == 0) { a = dval(i); b = dval(j); }
          else if (op->kind == 1) { a = sval(i); b = sval(j); }
          else { a = i < 8 ? (u64)(long)(i - 4) << (i * 8) : rnd() >> (rnd() & 63); b = 0; if (j & 1) a = -a; }
          /* also scale random doubles so that results hit overflow/underflow ranges */
          if (op->kind == 0 && i >= (int)ND && (j & 3) == 1) a = (a & 0x800fffffffffffffULL) | ((u64)(j * 50) << 52);
          op->fn(a, b);
        }
      }
    }
    /* NaN-boxing: a single operand that is not properly boxed reads as the canonical NaN */
    if (op->kind == 1) op->fn(0x000000003f800000ULL, 0x3f800000ULL);
    puts_(op->name); putch(' '); puthex(h); putch('\n');
    total ^= h; total *= 0x100000001b3ULL;
  }
  puts_("fpu total "); puthex(total); putch('\n');
  return 0;
}
