/* ALU flags: ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG NOT at 8/16/32/64 bits, register,
 * memory and immediate forms, with CF clear and set coming in. Prints result and OF SF ZF AF PF CF. */
#include "lib.h"

typedef void (*Op)(u64 a, u64 b, u64 fin, u64 *r, u64 *f);

#define BIN(name, insn, T)                                                                      \
  static void name(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {                                  \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[b], %[r]\n pushfq\n pop %[f]"             \
                     : [r] "+r"(r), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");        \
    *res = r; *fl = f;                                                                          \
  }
#define BINM(name, insn, T)                                                                     \
  static void name(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {                                  \
    volatile T r = (T)a; u64 f;                                                                 \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[b], %[r]\n pushfq\n pop %[f]"             \
                     : [r] "+m"(r), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");        \
    *res = r; *fl = f;                                                                          \
  }
#define UN(name, insn, T)                                                                       \
  static void name(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {                                  \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[r]\n pushfq\n pop %[f]"                   \
                     : [r] "+r"(r), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                       \
    *res = r; *fl = f;                                                                          \
  }
#define IMM(name, insn, T, imm)                                                                 \
  static void name(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {                                  \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " $" #imm ", %[r]\n pushfq\n pop %[f]"        \
                     : [r] "+r"(r), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                       \
    *res = r; *fl = f;                                                                          \
  }

#define SIZES(m, n, i) m(n##b, i "b", u8) m(n##w, i "w", u16) m(n##l, i "l", u32) m(n##q, i "q", u64)
SIZES(BIN, add, "add") SIZES(BIN, adc, "adc") SIZES(BIN, sub, "sub") SIZES(BIN, sbb, "sbb")
SIZES(BIN, and, "and") SIZES(BIN, or, "or") SIZES(BIN, xor, "xor") SIZES(BIN, cmp, "cmp")
SIZES(BIN, test, "test")
SIZES(BINM, addm, "add") SIZES(BINM, sbbm, "sbb") SIZES(BINM, cmpm, "cmp")
SIZES(UN, inc, "inc") SIZES(UN, dec, "dec") SIZES(UN, neg, "neg") SIZES(UN, not, "not")
IMM(addi8q, "addq", u64, -3) IMM(addi32q, "addq", u64, 0x12345678) IMM(subi32l, "subl", u32, 0x80000000)
IMM(andi8b, "andb", u8, 0x5a) IMM(cmpi16w, "cmpw", u16, 0x8001) IMM(adci8l, "adcl", u32, 127)
IMM(sbbi32q, "sbbq", u64, -0x70000000) IMM(xori8w, "xorw", u16, -1)

/* the accumulator forms (04 05 .. 3C 3D, A8 A9), which the decoder turns into 80/81/F6/F7 on AL/eAX
 * (ADR 0058): gas picks them for AL/AX/EAX/RAX when the immediate does not fit 8 bits (always for AL) */
#define ACC(name, insn, T, imm)                                                                 \
  static void name(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {                                  \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " $" #imm ", %[r]\n pushfq\n pop %[f]"        \
                     : [r] "+a"(r), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                       \
    *res = r; *fl = f;                                                                          \
  }
ACC(addab, "addb", u8, 0x7f) ACC(adcaw, "adcw", u16, 0x1234) ACC(subal, "subl", u32, 0x80000000)
ACC(sbbaq, "sbbq", u64, -0x70000000) ACC(andab, "andb", u8, 0xa5) ACC(oraq, "orq", u64, 0x12345678)
ACC(xoral, "xorl", u32, -0x12345678) ACC(cmpab, "cmpb", u8, 0x80) ACC(cmpaw, "cmpw", u16, 0x8001)
ACC(cmpal, "cmpl", u32, 0x7fffffff) ACC(cmpaq, "cmpq", u64, -0x12345678) ACC(testab, "testb", u8, 0x81)
ACC(testal, "testl", u32, 0x80000001) ACC(testaq, "testq", u64, -0x100)

/* the AH/CH/DH/BH registers (no REX prefix) */
static void addhb(u64 a, u64 b, u64 fin, u64 *res, u64 *fl) {
  u64 r = a, f, s = b << 8;
  __asm__ volatile("push %[fi]\n popfq\n addb %h[s], %h[r]\n pushfq\n pop %[f]"
                   : [r] "+Q"(r), [f] "=&r"(f) : [s] "Q"(s), [fi] "r"(fin) : "cc");
  *res = r; *fl = f;
}

#define OPS(n) {#n "b", n##b}, {#n "w", n##w}, {#n "l", n##l}, {#n "q", n##q}
static const struct { const char *name; Op fn; } ops[] = {
  OPS(add), OPS(adc), OPS(sub), OPS(sbb), OPS(and), OPS(or), OPS(xor), OPS(cmp), OPS(test),
  OPS(addm), OPS(sbbm), OPS(cmpm), OPS(inc), OPS(dec), OPS(neg), OPS(not),
  {"addi8q", addi8q}, {"addi32q", addi32q}, {"subi32l", subi32l}, {"andi8b", andi8b},
  {"cmpi16w", cmpi16w}, {"adci8l", adci8l}, {"sbbi32q", sbbi32q}, {"xori8w", xori8w}, {"addhb", addhb},
  {"addab", addab}, {"adcaw", adcaw}, {"subal", subal}, {"sbbaq", sbbaq}, {"andab", andab}, {"oraq", oraq},
  {"xoral", xoral}, {"cmpab", cmpab}, {"cmpaw", cmpaw}, {"cmpal", cmpal}, {"cmpaq", cmpaq},
  {"testab", testab}, {"testal", testal}, {"testaq", testaq},
};

int main(void) {
  static const u64 fins[] = {0x202, 0x203, 0x202 | FLAGS};
  for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    for (int i = 0; i < 150; i++) {
      u64 a = operand(i), b = i < (int)NEDGE ? operand((i * 7) % NEDGE) : operand(i), r, f;
      u64 fin = fins[i % 3];
      ops[k].fn(a, b, fin, &r, &f);
      puts_(ops[k].name); hx(a); hx(b); hx(fin & 1); hx(r); hx(f & FLAGS); nl();
    }
  }
  flush();
  return 0;
}
