/* The JIT tier's integer operations (docs/decisions/0040): every RV64IM operation it translates,
 * on edge values, in a loop hot enough to be translated, folded into checksums that must match
 * qemu-system-riscv64 and the interpreter. Divisions use inline asm: C leaves x/0 undefined. */
#include "common.h"
typedef long i64;
#define R(op, a, b) ({ u64 _r; __asm__ volatile(op " %0, %1, %2" : "=r"(_r) : "r"(a), "r"(b)); _r; })
static const u64 vals[] = {0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffffff, 0x80000000UL, 0xffffffffUL,
  0x100000000UL, 0x7fffffffffffffffUL, 0x8000000000000000UL, 0xffffffffffffffffUL, 0xfffffffffffffffeUL,
  0x123456789abcdef0UL, 0xfedcba9876543210UL, 31, 32, 33, 63, 64, 65};
#define NV (sizeof vals / sizeof vals[0])
static u64 mem[64] __attribute__((aligned(4096)));
static u64 mix(u64 h, u64 v) { return (h ^ v) * 0x100000001b3UL + (h >> 29); }

int main_(void) {
  u64 h1 = 0, h2 = 0, h3 = 0;
  for (int rep = 0; rep < 40; rep++)
    for (unsigned i = 0; i < NV; i++)
      for (unsigned j = 0; j < NV; j++) {
        u64 a = vals[i] + (u64)rep, b = vals[j];
        h1 = mix(h1, R("add", a, b)); h1 = mix(h1, R("sub", a, b)); h1 = mix(h1, R("sll", a, b));
        h1 = mix(h1, R("slt", a, b)); h1 = mix(h1, R("sltu", a, b)); h1 = mix(h1, R("xor", a, b));
        h1 = mix(h1, R("srl", a, b)); h1 = mix(h1, R("sra", a, b)); h1 = mix(h1, R("or", a, b));
        h1 = mix(h1, R("and", a, b)); h1 = mix(h1, R("addw", a, b)); h1 = mix(h1, R("subw", a, b));
        h1 = mix(h1, R("sllw", a, b)); h1 = mix(h1, R("srlw", a, b)); h1 = mix(h1, R("sraw", a, b));
        h2 = mix(h2, R("mul", a, b)); h2 = mix(h2, R("mulw", a, b)); h2 = mix(h2, R("div", a, b));
        h2 = mix(h2, R("divu", a, b)); h2 = mix(h2, R("rem", a, b)); h2 = mix(h2, R("remu", a, b));
        h2 = mix(h2, R("divw", a, b)); h2 = mix(h2, R("divuw", a, b)); h2 = mix(h2, R("remw", a, b));
        h2 = mix(h2, R("remuw", a, b));
        /* immediates, loads and stores of every size, signed and unsigned */
        h3 = mix(h3, (u64)((i64)a >> 7) ^ (a << 13) ^ (a >> 3));
        h3 = mix(h3, (u64)((int)a >> 5) + (u64)((unsigned)a << 3) + (u64)((unsigned)a >> 9) + (u64)(int)(a + 1234));
        h3 = mix(h3, ((i64)a < -5) + (a < 17) + (a & 0x5a5) + (a | 0x3c) + (a ^ 0x777));
        unsigned k = (i * 7 + j) & 63;
        ((unsigned char *)mem)[k] = (unsigned char)a;
        ((unsigned short *)mem)[k + 1] = (unsigned short)b;
        ((unsigned *)mem)[(k + 3) & 63] = (unsigned)(a * 3);
        mem[(k + 5) & 63] = a - b;
        h3 = mix(h3, ((signed char *)mem)[k] + ((unsigned char *)mem)[k ^ 1] + ((short *)mem)[k + 1] +
                     ((unsigned short *)mem)[k] + ((int *)mem)[(k + 3) & 63] + ((unsigned *)mem)[k & 31] + mem[(k + 5) & 63]);
        /* a misaligned load: the translation leaves it to the interpreter */
        u64 m;
        __asm__ volatile("ld %0, 3(%1)" : "=r"(m) : "r"(&mem[k & 31]));
        h3 = mix(h3, m);
        /* not translated: the interpreter runs the rest of the iteration */
        h2 = mix(h2, R("mulh", a, b)); h2 = mix(h2, R("mulhu", a, b));
      }
  puts_("jitops "); puthex(h1); putch(' '); puthex(h2); putch(' '); puthex(h3); putch('\n');
  return 0;
}
