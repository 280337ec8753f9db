/* Self-modifying code under the JIT tier (docs/decisions/0040): a loop copied to a data page is
 * patched (its addi immediate) between runs, and another patches itself on every iteration, with
 * fence.i as the ISA asks; each version must run as written, interpreted or translated. */
#include "common.h"
static unsigned code[1024] __attribute__((aligned(4096)));
typedef u64 (*fn)(u64 a0, u64 n, unsigned *self, unsigned insn);
#define ADDI_A0(k) (0x00050513u | ((unsigned)(k) << 20)) /* addi a0, a0, k */
extern const unsigned tmpl_f[], tmpl_f_end[], tmpl_g[], tmpl_g_end[];
/* f(a0, n): n times a0 += K. g(a0, n, self, insn): n times { a0 += K; *self = insn; fence.i;
 * insn's immediate += 1 }, so each iteration adds what the previous one wrote */
__asm__(".pushsection .rodata\n.balign 4\n.option push\n.option norvc\n"
        "tmpl_f: addi a0, a0, 0\n addi a1, a1, -1\n bnez a1, tmpl_f\n ret\ntmpl_f_end:\n"
        "tmpl_g: addi a0, a0, 5\n sw a3, 0(a2)\n fence.i\n lui a4, 0x100\n addw a3, a3, a4\n"
        " addi a1, a1, -1\n bnez a1, tmpl_g\n ret\ntmpl_g_end:\n"
        ".option pop\n.popsection\n");

int main_(void) {
  unsigned *f = code, *g = &code[512];
  for (int i = 0; tmpl_f + i < tmpl_f_end; i++) f[i] = tmpl_f[i];
  for (int i = 0; tmpl_g + i < tmpl_g_end; i++) g[i] = tmpl_g[i];
  u64 sum = 0, want = 0;
  /* each version runs long enough (9 M instructions) to be translated */
  for (unsigned k = 1; k <= 10; k++) {
    f[0] = ADDI_A0(k);
    __asm__ volatile("fence.i" ::: "memory");
    for (int rep = 0; rep < 600; rep++) sum = ((fn)(void *)f)(sum, 5000, 0, 0);
    want += (u64)k * 600 * 5000;
  }
  __asm__ volatile("fence.i" ::: "memory");
  u64 s2 = 0, want2 = 0;
  for (int rep = 0; rep < 20; rep++) {
    g[0] = ADDI_A0(5);
    __asm__ volatile("fence.i" ::: "memory");
    s2 += ((fn)(void *)g)(0, 300, g, ADDI_A0(6));
    for (unsigned i = 1; i <= 300; i++) want2 += 4 + i;
  }
  int ok = sum == want && s2 == want2;
  puts_(ok ? "PASS smc " : "FAIL smc "); puthex(sum); putch(' '); puthex(s2); putch('\n');
  return ok ? 0 : 1;
}
