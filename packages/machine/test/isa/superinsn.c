/* superinsn: adjacent instructions the decoder fuses into one dispatch (native/riscv64/decode.h,
   OP_PAIRS) still behave as two: compressed and 32-bit halves, a fault in either half (epc,
   tval, and what the other half did), a TLB miss or MMIO in the first half (the slow path must
   see the first operation's size), a branch or jump as the second half, and a jump straight to
   the second instruction after the pair ran. */
#include "test.h"

static volatile u64 data[4] = {11, 22, 0xf0f1f2f3f4f5f6ffULL, 44};

/* pair_ld: ld + addi (LD_ADDI), then addi + ret (ADDI_JALR); pair_second: the second addi alone */
extern u64 pair_ld(u64 ignored, volatile u64 *p);
extern u64 pair_second(u64 v);
asm(".text\n\t.balign 4\n\t.option push\n\t.option norvc\n"
    "pair_ld:\n\tld a0, 0(a1)\n\taddi a0, a0, 5\n"
    "pair_second:\n\taddi a0, a0, 7\n\tret\n\t.option pop");

static inline void tlb_flush(void) { asm volatile("sfence.vma" ::: "memory"); }

int main(void)
{
  u64 a, b, lab;
  section("halves");
  asm volatile(".option push\n\t.option norvc\n\tld %0, 0(%2)\n\tld %1, 8(%2)\n\t.option pop"
               : "=&r"(a), "=&r"(b) : "r"(data));
  CHECK(a, 11); CHECK(b, 22);
  asm volatile("mv a5, %2\n\tc.ld a4, 0(a5)\n\tc.ld a3, 8(a5)\n\tmv %0, a4\n\tmv %1, a3"
               : "=r"(a), "=r"(b) : "r"(data) : "a3", "a4", "a5");
  CHECK(a, 11); CHECK(b, 22);
  asm volatile("mv a5, %2\n\tc.ld a4, 8(a5)\n\t.option push\n\t.option norvc\n\tld a3, 0(a5)\n\t.option pop\n\t"
               "mv %0, a4\n\tmv %1, a3" : "=r"(a), "=r"(b) : "r"(data) : "a3", "a4", "a5");
  CHECK(a, 22); CHECK(b, 11);
  asm volatile(".option push\n\t.option norvc\n\tld a4, 8(%2)\n\t.option pop\n\tmv a5, %2\n\t"
               "ld a4, 0(a5)\n\tc.ld a3, 8(a5)\n\tmv %0, a4\n\tmv %1, a3"
               : "=r"(a), "=r"(b) : "r"(data) : "a3", "a4", "a5");
  CHECK(a, 11); CHECK(b, 22);

  section("fault in a half");
  expect_trap();                                      /* second half: the first one happened */
  asm volatile("li t0, 0\n\tli %0, 0\n\t.option push\n\t.option norvc\n\tld %0, 0(%2)\n"
               "1:\tld t1, 0(t0)\n\t.option pop\n\tla %1, 1b" : "=&r"(a), "=r"(lab) : "r"(data) : "t0", "t1");
  CHECK(trap_count, 1); CHECK(trap_cause, CAUSE_LOAD_ACCESS); CHECK(trap_epc, lab); CHECK(trap_tval, 0);
  CHECK(a, 11);
  expect_trap();                                      /* first half: the second runs after it */
  asm volatile("li t0, 8\n\tli %0, 0\n\t.option push\n\t.option norvc\n"
               "1:\tld t1, 0(t0)\n\tld %0, 8(%2)\n\t.option pop\n\tla %1, 1b" : "=&r"(a), "=r"(lab) : "r"(data) : "t0", "t1");
  CHECK(trap_count, 1); CHECK(trap_cause, CAUSE_LOAD_ACCESS); CHECK(trap_epc, lab); CHECK(trap_tval, 8);
  CHECK(a, 22);
  expect_trap();                                      /* sd + sd, the second to no memory */
  data[3] = 0;
  asm volatile("li t0, 16\n\t.option push\n\t.option norvc\n\tsd %1, 24(%2)\n"
               "1:\tsd %1, 0(t0)\n\t.option pop\n\tla %0, 1b" : "=r"(lab) : "r"(44UL), "r"(data) : "t0", "memory");
  CHECK(trap_count, 1); CHECK(trap_cause, CAUSE_STORE_ACCESS); CHECK(trap_epc, lab); CHECK(trap_tval, 16);
  CHECK(data[3], 44);

  section("slow first half");
  tlb_flush();                                        /* lbu + lbu: a miss loads one byte */
  asm volatile(".option push\n\t.option norvc\n\tlbu %0, 16(%2)\n\tlbu %1, 17(%2)\n\t.option pop"
               : "=&r"(a), "=&r"(b) : "r"(data));
  CHECK(a, 0xff); CHECK(b, 0xf6);
  tlb_flush();                                        /* ld + ld */
  asm volatile(".option push\n\t.option norvc\n\tld %0, 16(%2)\n\tld %1, 24(%2)\n\t.option pop"
               : "=&r"(a), "=&r"(b) : "r"(data));
  CHECK(a, 0xf0f1f2f3f4f5f6ffULL); CHECK(b, 44);
  tlb_flush();                                        /* sd + addi */
  asm volatile(".option push\n\t.option norvc\n\tsd %2, 0(%1)\n\taddi %0, %2, 1\n\t.option pop"
               : "=&r"(a) : "r"(data), "r"(0x1234UL) : "memory");
  CHECK(data[0], 0x1234); CHECK(a, 0x1235);
  u64 t0, t1;                                         /* ld from MMIO (CLINT mtime) + add */
  asm volatile(".option push\n\t.option norvc\n\tld %0, 0(%2)\n\tadd %1, %0, %0\n\t.option pop"
               : "=&r"(t0), "=&r"(t1) : "r"(0x200bff8UL));
  CHECK_TRUE(t0 != 0); CHECK(t1, 2 * t0);

  section("control transfer halves");
  data[0] = 11;
  CHECK(pair_ld(0, data), 23);
  CHECK(pair_second(100), 107);                       /* the second slot of LD_ADDI alone */
  CHECK(pair_ld(0, data), 23);
  for (u64 i = 0; i < 4; i++) {                       /* andi + bne, taken and not taken */
    asm volatile(".option push\n\t.option norvc\n\tli %0, 0\n\tandi t0, %1, 1\n\tbne t0, zero, 1f\n\t"
                 "li %0, 1\n1:\n\t.option pop" : "=&r"(a) : "r"(i) : "t0");
    CHECK(a, (i & 1) ? 0 : 1);
  }
  return 0;
}
