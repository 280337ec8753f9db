/* An ALU operation or compare and the Jcc after it run as one fused slot of a decoded block (ADR
 * 0053, 0058): every condition after CMP of each short-path form (registers, immediates, memory on
 * either side), byte CMP of registers (AH..BH too), memory and immediates, TEST of registers (byte
 * ones too, AH..BH), of memory and of immediates, and SUB/AND/ADD/XOR with a register
 * destination, with the flags and the register after the pair; a jump straight to the Jcc of a
 * fused pair (it keeps a slot of its own); and a pair in a writable buffer whose Jcc is rewritten
 * after it ran (its condition byte, and a far Jcc behind a compare longer than 8 bytes). */
#include "lib.h"

static u64 mem;

/* taken (1) or not (0) plus twice the first operand after the pair, and the arithmetic flags after it */
#define PAIR(name, insn, jcc, ...)                                                            \
  static u64 name(u64 a, u64 b, u64 *fl) {                                                   \
    u64 t, f;                                                                                  \
    mem = b;                                                                                   \
    __asm__ volatile(insn "\n\t" jcc " 1f\n\tmov $0, %0\n\tjmp 2f\n1:\tmov $1, %0\n2:\tpushfq\n\tpop %1" \
                     : "=&r"(t), "=&r"(f), "+Q"(a) : "Q"(b), "m"(mem) : "cc");               \
    *fl = f & FLAGS;                                                                           \
    return t + 2 * a;                                                                          \
  }
#define FORMS(cc)                                                                              \
  PAIR(rr64_##cc, "cmp %3, %2", "j" #cc)                                                        \
  PAIR(rr32_##cc, "cmp %k3, %k2", "j" #cc)                                                      \
  PAIR(ri8_##cc, "cmp $-3, %2", "j" #cc)                                                        \
  PAIR(ri32_##cc, "cmp $0x12345678, %k2", "j" #cc)                                              \
  PAIR(rm_##cc, "cmp %4, %2", "j" #cc)                                                          \
  PAIR(mr_##cc, "cmp %2, %4", "j" #cc)                                                          \
  PAIR(mi_##cc, "cmpq $0x7f, %4", "j" #cc)                                                      \
  PAIR(test_##cc, "test %3, %2", "j" #cc)                                                       \
  PAIR(testb_##cc, "test %b3, %b2", "j" #cc)                                                    \
  PAIR(testh_##cc, "test %h3, %b2", "j" #cc)                                                    \
  PAIR(sub_##cc, "sub %3, %2", "j" #cc)                                                         \
  PAIR(and32_##cc, "and %k3, %k2", "j" #cc)                                                     \
  PAIR(addi_##cc, "add $-3, %2", "j" #cc)                                                       \
  PAIR(xorm_##cc, "xor %4, %2", "j" #cc)                                                        \
  PAIR(cmpb_##cc, "cmp %b3, %b2", "j" #cc)                                                      \
  PAIR(cmpbh_##cc, "cmp %h3, %b2", "j" #cc)                                                     \
  PAIR(cmpbm_##cc, "cmpb %b2, %4", "j" #cc)                                                     \
  PAIR(cmpbrm_##cc, "cmpb %4, %h2", "j" #cc)                                                    \
  PAIR(cmpbmi_##cc, "cmpb $0x7f, %4", "j" #cc)                                                  \
  PAIR(cmpbri_##cc, "cmpb $-3, %h2", "j" #cc)                                                   \
  PAIR(testm_##cc, "test %3, %4", "j" #cc)                                                      \
  PAIR(testbmi_##cc, "testb $0x81, %4", "j" #cc)                                                \
  PAIR(testri_##cc, "testl $0x80000001, %k3", "j" #cc)
FORMS(o) FORMS(no) FORMS(b) FORMS(ae) FORMS(e) FORMS(ne) FORMS(be) FORMS(a)
FORMS(s) FORMS(ns) FORMS(p) FORMS(np) FORMS(l) FORMS(ge) FORMS(le) FORMS(g)

#define NFORM 23
typedef u64 (*Pair)(u64, u64, u64 *);
#define ROW(cc) {rr64_##cc, rr32_##cc, ri8_##cc, ri32_##cc, rm_##cc, mr_##cc, mi_##cc, test_##cc, \
                 testb_##cc, testh_##cc, sub_##cc, and32_##cc, addi_##cc, xorm_##cc, cmpb_##cc,    \
                 cmpbh_##cc, cmpbm_##cc, cmpbrm_##cc, cmpbmi_##cc, cmpbri_##cc, testm_##cc,        \
                 testbmi_##cc, testri_##cc}
static const Pair pairs[16][NFORM] = {ROW(o), ROW(no), ROW(b), ROW(ae), ROW(e), ROW(ne), ROW(be), ROW(a),
                                      ROW(s), ROW(ns), ROW(p), ROW(np), ROW(l), ROW(ge), ROW(le), ROW(g)};

/* a jump to the Jcc of a fused pair: the Jcc alone, on the flags of the compare before the jump */
static u64 middle(u64 a, u64 b, u64 c, u64 d) {
  u64 t;
  __asm__ volatile("cmp %2, %1\n\ttest $1, %3\n\tjz 3f\n\tcmp %4, %1\n\tjmp 2f\n3:\tcmp %4, %3\n2:\tjb 1f\n\t"
                   "mov $0, %0\n\tjmp 4f\n1:\tmov $1, %0\n4:"
                   : "=&r"(t) : "r"(a), "r"(b), "r"(c), "r"(d) : "cc");
  return t;
}

static u8 code[4096] __attribute__((aligned(4096)));
typedef u64 (*Fn)(u64);

/* cmp $5, %edi ; jcc +6 ; mov $1, %eax ; ret ; mov $2, %eax ; ret (cc: the Jcc's low nibble) */
static void emit_near(u8 *p, u8 cc) {
  static const u8 c[] = {0x83, 0xff, 0x05, 0x70, 0x06, 0xb8, 1, 0, 0, 0, 0xc3, 0xb8, 2, 0, 0, 0, 0xc3};
  for (unsigned i = 0; i < sizeof c; i++) p[i] = c[i];
  p[3] = 0x70 | cc;
}

/* cmp $0x10000, %rdi (7 bytes) ; jcc rel32 +6 (0F 8x: 13 bytes in all) ; mov $3, %eax ; ret ; mov $4, %eax ; ret */
static void emit_far(u8 *p, u8 cc) {
  static const u8 c[] = {0x48, 0x81, 0xff, 0, 0, 1, 0, 0x0f, 0x80, 6, 0, 0, 0, 0xb8, 3, 0, 0, 0, 0xc3, 0xb8, 4, 0, 0, 0, 0xc3};
  for (unsigned i = 0; i < sizeof c; i++) p[i] = c[i];
  p[8] = 0x80 | cc;
}

int main(void) {
  for (int cc = 0; cc < 16; cc++)
    for (int form = 0; form < NFORM; form++) {
      u64 acc = 0, fa = 0;
      for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++) {
          u64 fl;
          acc = acc * 3 + pairs[cc][form](operand(i), operand(j), &fl);
          fa = fa * 5 + fl;
        }
      puts_("cc"); hx((u64)cc); hx((u64)form); hx(acc); hx(fa); nl();
    }
  u64 acc = 0;
  for (int i = 0; i < 200; i++) acc = acc * 3 + middle(rnd() & 0xff, rnd() & 0xff, rnd() & 0xff, rnd() & 0xff);
  puts_("middle"); hx(acc); nl();
  long r = sys3(10, (long)code, sizeof code, 7); /* PROT_READ | PROT_WRITE | PROT_EXEC */
  puts_("mprotect"); hx((u64)r); nl();
  Fn f = (Fn)(void *)code, g = (Fn)(void *)(code + 64);
  acc = 0;
  for (int cc = 0; cc < 16; cc++) {
    emit_near(code, (u8)cc);
    emit_far(code + 64, (u8)cc);
    __asm__ volatile("" ::: "memory");
    for (u64 x = 3; x < 8; x++) acc = acc * 7 + f(x);
    for (u64 x = 0xfffe; x < 0x10003; x++) acc = acc * 7 + g(x);
    code[3] ^= 1; /* the opposite condition, in a pair that has run */
    code[72] ^= 1;
    __asm__ volatile("" ::: "memory");
    for (u64 x = 3; x < 8; x++) acc = acc * 7 + f(x);
    for (u64 x = 0xfffe; x < 0x10003; x++) acc = acc * 7 + g(x);
  }
  puts_("smc"); hx(acc); nl();
  flush();
  return 0;
}
