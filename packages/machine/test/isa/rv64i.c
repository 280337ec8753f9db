/* rv64i: RV64I base integer instructions, including the W forms, shift-amount masking,
   branches, jumps, and loads/stores of every width with sign/zero extension. */
#include "test.h"
#include "ops.h"

#define M64 0x8000000000000000ULL
static volatile u64 mem[4] __attribute__((aligned(16)));

static void alu(void)
{
  section("alu");
  CHECK(RR("add", 1, 2), 3);
  CHECK(RR("add", -1, 1), 0);
  CHECK(RR("add", 0x7fffffffffffffffULL, 1), M64);
  CHECK(RR("sub", 0, 1), 0xffffffffffffffffULL);
  CHECK(RR("sub", M64, 1), 0x7fffffffffffffffULL);
  CHECK(RR("xor", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0xf0f0f0f0f0f0f0f0ULL);
  CHECK(RR("or", 0xff00000000000000ULL, 0x00000000000000ffULL), 0xff000000000000ffULL);
  CHECK(RR("and", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0x0f000f000f000f00ULL);
  CHECK(RR("slt", -1, 0), 1);
  CHECK(RR("slt", 0, -1), 0);
  CHECK(RR("slt", 5, 5), 0);
  CHECK(RR("slt", M64, 0x7fffffffffffffffULL), 1);
  CHECK(RR("sltu", -1, 0), 0);
  CHECK(RR("sltu", 0, -1), 1);
  CHECK(RR("sltu", 5, 5), 0);
  CHECK(RI("addi", 5, -6), -1);
  CHECK(RI("addi", 0, 2047), 2047);
  CHECK(RI("addi", 0, -2048), -2048);
  CHECK(RI("slti", -5, -4), 1);
  CHECK(RI("slti", -4, -5), 0);
  CHECK(RI("sltiu", 0, -1), 1);          /* imm sign-extends to 2^64-1 */
  CHECK(RI("sltiu", 1, 1), 0);
  CHECK(RI("sltiu", 0, 1), 1);           /* seqz */
  CHECK(RI("xori", 0x5555, -1), 0xffffffffffffaaaaULL);
  CHECK(RI("ori", 0, -2048), 0xfffffffffffff800ULL);
  CHECK(RI("andi", -1, 0x7ff), 0x7ff);
  CHECK(RI("andi", 0x1234, -16), 0x1230);
}

static void shifts(void)
{
  section("shifts");
  CHECK(RR("sll", 1, 63), M64);
  CHECK(RR("sll", 1, 64), 1);            /* only rs2[5:0] is used */
  CHECK(RR("sll", 1, 65), 2);
  CHECK(RR("sll", 0x123, -1), M64);      /* shamt 63 */
  CHECK(RR("srl", M64, 63), 1);
  CHECK(RR("srl", -1, 0x40), 0xffffffffffffffffULL);
  CHECK(RR("srl", -1, 4), 0x0fffffffffffffffULL);
  CHECK(RR("sra", M64, 63), 0xffffffffffffffffULL);
  CHECK(RR("sra", M64, 1), 0xc000000000000000ULL);
  CHECK(RR("sra", 0x4000000000000000ULL, 62), 1);
  CHECK(RI("slli", 1, 63), M64);
  CHECK(RI("srli", -1, 63), 1);
  CHECK(RI("srai", M64, 62), 0xfffffffffffffffeULL);
  CHECK(RI("srai", 0x7000000000000000ULL, 60), 7);
  CHECK(RI("srli", 0xf0, 0), 0xf0);
}

static void words(void)
{
  section("W ops");
  CHECK(RR("addw", 0x7fffffff, 1), 0xffffffff80000000ULL);
  CHECK(RR("addw", 0xffffffff00000001ULL, 0x100000001ULL), 2);
  CHECK(RR("addw", 0x80000000, 0x80000000), 0);
  CHECK(RR("subw", 0, 1), 0xffffffffffffffffULL);
  CHECK(RR("subw", 0x80000000, 1), 0x7fffffff);
  CHECK(RR("subw", 0x100000000ULL, 0), 0);
  CHECK(RR("sllw", 1, 31), 0xffffffff80000000ULL);
  CHECK(RR("sllw", 1, 32), 1);           /* only rs2[4:0] */
  CHECK(RR("sllw", 0xffffffff, 4), 0xfffffffffffffff0ULL);
  CHECK(RR("sllw", 0x123456789ULL, 0), 0x23456789);
  CHECK(RR("srlw", 0xffffffff80000000ULL, 31), 1);
  CHECK(RR("srlw", 0x80000000, 0), 0xffffffff80000000ULL);
  CHECK(RR("srlw", 0xffffffff, 32), 0xffffffffffffffffULL);
  CHECK(RR("srlw", 0xffffffff, 1), 0x7fffffff);
  CHECK(RR("srlw", 0xabcd00000000ULL, 4), 0);
  CHECK(RR("sraw", 0x80000000, 31), 0xffffffffffffffffULL);
  CHECK(RR("sraw", 0x180000000ULL, 4), 0xfffffffff8000000ULL);
  CHECK(RR("sraw", 0xffffffff7fffffffULL, 36), 0x07ffffff);   /* shamt 4, upper bits ignored */
  CHECK(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000ULL);
  CHECK(RI("addiw", 0xffffffffULL, 0), 0xffffffffffffffffULL);  /* sext.w */
  CHECK(RI("addiw", 0x123456780ULL, -1), 0x2345677f);
  CHECK(RI("slliw", 1, 31), 0xffffffff80000000ULL);
  CHECK(RI("slliw", 0x80000001ULL, 1), 2);
  CHECK(RI("srliw", 0x80000000, 31), 1);
  CHECK(RI("srliw", 0xffffffff80000000ULL, 0), 0xffffffff80000000ULL);
  CHECK(RI("srliw", 0xfffffffff0000000ULL, 4), 0x0f000000);
  CHECK(RI("sraiw", 0x80000000, 31), 0xffffffffffffffffULL);
  CHECK(RI("sraiw", 0x123456787fffffffULL, 0), 0x7fffffff);
  CHECK(RI("sraiw", 0x00000000f0000000ULL, 4), 0xffffffffff000000ULL);
}

static void upper(void)
{
  u64 r, here, there;
  section("lui/auipc/x0");
  asm volatile("lui %0, 0x80000" : "=r"(r)); CHECK(r, 0xffffffff80000000ULL);
  asm volatile("lui %0, 0x7ffff" : "=r"(r)); CHECK(r, 0x7ffff000);
  asm volatile("lui %0, 0xfffff" : "=r"(r)); CHECK(r, 0xfffffffffffff000ULL);
  asm volatile("1: auipc %0, 0\n\tla %1, 1b" : "=r"(r), "=r"(here)); CHECK(r, here);
  asm volatile("1: auipc %0, 0x80000\n\tla %1, 1b" : "=r"(there), "=r"(here));
  CHECK(there, here + 0xffffffff80000000ULL);
  asm volatile("1: auipc %0, 1\n\tla %1, 1b" : "=r"(there), "=r"(here));
  CHECK(there, here + 0x1000);
  asm volatile("li t0, 5\n\taddi x0, t0, 1\n\tadd x0, t0, t0\n\tlui x0, 1\n\tmv %0, x0" : "=r"(r) :: "t0");
  CHECK(r, 0);
}

static void branches(void)
{
  section("branches");
  CHECK(BR("beq", 1, 1), 1);
  CHECK(BR("beq", 1, 2), 0);
  CHECK(BR("beq", 0, M64), 0);
  CHECK(BR("bne", 1, 2), 1);
  CHECK(BR("bne", -1, -1), 0);
  CHECK(BR("blt", -1, 0), 1);
  CHECK(BR("blt", 0, -1), 0);
  CHECK(BR("blt", 5, 5), 0);
  CHECK(BR("blt", M64, 0x7fffffffffffffffULL), 1);
  CHECK(BR("bge", 5, 5), 1);
  CHECK(BR("bge", -1, 0), 0);
  CHECK(BR("bge", 0, -1), 1);
  CHECK(BR("bltu", -1, 0), 0);
  CHECK(BR("bltu", 0, -1), 1);
  CHECK(BR("bltu", 3, 3), 0);
  CHECK(BR("bgeu", -1, 0), 1);
  CHECK(BR("bgeu", 3, 3), 1);
  CHECK(BR("bgeu", 0, M64), 0);
  /* backward branch loop */
  u64 n;
  asm volatile("li %0, 0\n\tli t0, 10\n1:\taddi %0, %0, 3\n\taddi t0, t0, -1\n\tbnez t0, 1b"
               : "=&r"(n) :: "t0");
  CHECK(n, 30);
}

static void jumps(void)
{
  u64 link, lab, r;
  section("jal/jalr");
  asm volatile(".option push\n\t.option norvc\n"
               "1:\tjal %0, 2f\n\tnop\n2:\tla %1, 1b\n\t.option pop" : "=r"(link), "=r"(lab));
  CHECK(link, lab + 4);
  /* jalr with an odd target: bit 0 is cleared */
  asm volatile(".option push\n\t.option norvc\n"
               "\tla t0, 3f\n\tli %0, 0\n\tjalr %1, 1(t0)\n\tli %0, 1\n3:\n\t.option pop"
               : "=&r"(r), "=&r"(link) :: "t0");
  CHECK(r, 0);
  /* jalr with rd == rs1: the target uses the old rs1 */
  asm volatile(".option push\n\t.option norvc\n"
               "\tla %0, 4f\n\tjalr %0, 0(%0)\n5:\tli %0, 0\n4:\tla %1, 5b\n\t.option pop"
               : "=&r"(r), "=&r"(lab));
  CHECK(r, lab);
  /* jalr with a negative offset */
  asm volatile(".option push\n\t.option norvc\n"
               "\tla t0, 6f\n\taddi t0, t0, 16\n\tjalr x0, -16(t0)\n\tli %0, 1\n\tj 7f\n6:\tli %0, 2\n7:\n\t.option pop"
               : "=&r"(r) :: "t0");
  CHECK(r, 2);
}

static void loads_stores(void)
{
  volatile u64 *m = mem;
  section("loads");
  m[0] = 0x8081828384858687ULL;
  m[1] = 0x7f6f5f4f3f2f1f0fULL;
  CHECK(LOAD("lb", m, 0), 0xffffffffffffff87ULL);
  CHECK(LOAD("lbu", m, 0), 0x87);
  CHECK(LOAD("lb", m, 7), 0xffffffffffffff80ULL);
  CHECK(LOAD("lb", m, 15), 0x7f);
  CHECK(LOAD("lh", m, 0), 0xffffffffffff8687ULL);
  CHECK(LOAD("lhu", m, 0), 0x8687);
  CHECK(LOAD("lh", m, 6), 0xffffffffffff8081ULL);
  CHECK(LOAD("lh", m, 14), 0x7f6f);
  CHECK(LOAD("lw", m, 0), 0xffffffff84858687ULL);
  CHECK(LOAD("lwu", m, 0), 0x84858687);
  CHECK(LOAD("lw", m, 4), 0xffffffff80818283ULL);
  CHECK(LOAD("lw", m, 12), 0x7f6f5f4f);
  CHECK(LOAD("lwu", m, 12), 0x7f6f5f4f);
  CHECK(LOAD("ld", m, 0), 0x8081828384858687ULL);
  CHECK(LOAD("ld", m, 8), 0x7f6f5f4f3f2f1f0fULL);
  CHECK(LOAD("lb", (volatile char *)m + 8, -1), 0xffffffffffffff80ULL);
  CHECK(LOAD("ld", (volatile char *)m + 16, -8), 0x7f6f5f4f3f2f1f0fULL);
  section("stores");
  m[2] = 0; m[3] = ~0ULL;
  STORE("sb", m + 2, 0, 0x1234567890abcdefULL);
  CHECK(m[2], 0xef);
  STORE("sb", m + 2, 7, 0x80);
  CHECK(m[2], 0x80000000000000efULL);
  STORE("sh", m + 2, 2, 0xffffabcd);
  CHECK(m[2], 0x80000000abcd00efULL);
  STORE("sw", m + 2, 4, 0x1122334455667788ULL);
  CHECK(m[2], 0x55667788abcd00efULL);
  STORE("sd", m + 2, 0, 0x0102030405060708ULL);
  CHECK(m[2], 0x0102030405060708ULL);
  CHECK(m[3], ~0ULL);
  STORE("sw", (volatile char *)m + 32, -4, 0);
  CHECK(m[3], 0x00000000ffffffffULL);
  STORE("sh", (volatile char *)m + 32, -2, 0x5a5a);
  CHECK(m[3], 0x5a5a0000ffffffffULL);
  asm volatile("fence\n\tfence rw, rw\n\tfence.tso\n\tfence iorw, iorw" ::: "memory");
  CHECK(m[3], 0x5a5a0000ffffffffULL);
}

int main(void)
{
  alu();
  shifts();
  words();
  upper();
  branches();
  jumps();
  loads_stores();
  return 0;
}
