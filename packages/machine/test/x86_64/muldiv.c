/* MUL, IMUL (one, two and three operands), DIV, IDIV at 8/16/32/64 bits over random operands
 * that do not fault (fault-de.c covers #DE). Prints rAX, rDX, the destination and the flags. */
#include "lib.h"

#define MUL1(name, insn, T)                                                                     \
  static void name(u64 a, u64 b, u64 d, u64 fin, u64 *ra, u64 *rd, u64 *fl) {                   \
    u64 f;                                                                                      \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[b]\n pushfq\n pop %[f]"                   \
                     : "+a"(a), "+d"(d), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");   \
    *ra = a; *rd = d; *fl = f;                                                                  \
  }
#define IMUL2(name, insn, T)                                                                    \
  static void name(u64 a, u64 b, u64 d, u64 fin, u64 *ra, u64 *rd, u64 *fl) {                   \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[b], %[r]\n pushfq\n pop %[f]"             \
                     : [r] "+r"(r), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");        \
    *ra = r; *rd = 0; *fl = f;                                                                  \
  }
#define IMUL3(name, insn, T, imm)                                                               \
  static void name(u64 a, u64 b, u64 d, u64 fin, u64 *ra, u64 *rd, u64 *fl) {                   \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " $" #imm ", %[b], %[r]\n pushfq\n pop %[f]"  \
                     : [r] "=&r"(r), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");       \
    *ra = r; *rd = 0; *fl = f;                                                                  \
  }
typedef void (*Op)(u64 a, u64 b, u64 d, u64 fin, u64 *ra, u64 *rd, u64 *fl);
MUL1(mulb, "mulb", u8) MUL1(mulw, "mulw", u16) MUL1(mull, "mull", u32) MUL1(mulq, "mulq", u64)
MUL1(imulb, "imulb", u8) MUL1(imulw, "imulw", u16) MUL1(imull, "imull", u32) MUL1(imulq, "imulq", u64)
IMUL2(imul2w, "imulw", u16) IMUL2(imul2l, "imull", u32) IMUL2(imul2q, "imulq", u64)
IMUL3(imul3bw, "imulw", u16, -7) IMUL3(imul3l, "imull", u32, 0x12345) IMUL3(imul3q, "imulq", u64, -0x40000000)
IMUL3(imul3bq, "imulq", u64, 100)
MUL1(divb, "divb", u8) MUL1(divw, "divw", u16) MUL1(divl, "divl", u32) MUL1(divq, "divq", u64)
MUL1(idivb, "idivb", u8) MUL1(idivw, "idivw", u16) MUL1(idivl, "idivl", u32) MUL1(idivq, "idivq", u64)

static const struct { const char *name; Op fn; int kind, bits; } ops[] = {
  {"mulb", mulb, 0, 8}, {"mulw", mulw, 0, 16}, {"mull", mull, 0, 32}, {"mulq", mulq, 0, 64},
  {"imulb", imulb, 0, 8}, {"imulw", imulw, 0, 16}, {"imull", imull, 0, 32}, {"imulq", imulq, 0, 64},
  {"imul2w", imul2w, 0, 16}, {"imul2l", imul2l, 0, 32}, {"imul2q", imul2q, 0, 64},
  {"imul3bw", imul3bw, 0, 16}, {"imul3l", imul3l, 0, 32}, {"imul3q", imul3q, 0, 64}, {"imul3bq", imul3bq, 0, 64},
  {"divb", divb, 1, 8}, {"divw", divw, 1, 16}, {"divl", divl, 1, 32}, {"divq", divq, 1, 64},
  {"idivb", idivb, 2, 8}, {"idivw", idivw, 2, 16}, {"idivl", idivl, 2, 32}, {"idivq", idivq, 2, 64},
};

static u64 mask(int bits) { return bits == 64 ? ~0UL : (1UL << bits) - 1; }
static i64 sext(u64 v, int bits) { return bits == 64 ? (i64)v : (i64)(v << (64 - bits)) >> (64 - bits); }

int main(void) {
  static const u64 fins[] = {0x202, 0x203 | FLAGS};
  for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    int bits = ops[k].bits;
    for (int i = 0; i < 200; i++) {
      u64 a = operand(i), b = operand((i * 5) % NEDGE + (i >= (int)NEDGE ? 100 : 0)), d = rnd(), ra, rd, f;
      if (ops[k].kind) {
        u64 m = mask(bits);
        if ((b & m) == 0) b = 3;
        if (ops[k].kind == 1) { /* high half below the divisor: the quotient fits */
          u64 hi = (d & m) % (b & m);
          if (bits == 8) a = (a & ~0xffffUL) | (hi << 8) | (a & 0xff); else d = (d & ~m) | hi;
        } else { /* high half = sign of the low half; MIN / -1 avoided */
          i64 lo = sext(a, bits);
          if (sext(b, bits) == -1 && (u64)lo == (1UL << (bits - 1)) * (bits == 64 ? 1 : 1) && lo == sext(1UL << (bits - 1), bits)) a ^= 1;
          lo = sext(a, bits);
          u64 hi = lo < 0 ? m : 0;
          if (bits == 8) a = (a & ~0xffffUL) | ((hi & 0xff) << 8) | (a & 0xff); else d = (d & ~m) | hi;
        }
      }
      u64 fin = fins[i % 2];
      ops[k].fn(a, b, d, fin, &ra, &rd, &f);
      puts_(ops[k].name); hx(a); hx(b); hx(d); hx(ra); hx(rd); hx(f & FLAGS); nl();
    }
  }
  flush();
  return 0;
}
