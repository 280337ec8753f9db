/* The x87 control state without x87 arithmetic: FNSTCW/FLDCW, FNSTSW, FNINIT, FNCLEX,
 * FNSTENV/FLDENV (control, status and tag words), and FXSAVE/FXRSTOR of the control words,
 * MXCSR and the XMM registers. */
#include "lib.h"

static u8 area[512] __attribute__((aligned(16)));

int main(void) {
  u16 cw = 0, sw = 0xffff, cw2 = 0, ax = 0;
  u16 newcw = 0x0c7f;
  __asm__ volatile("fnstcw %0\n fldcw %2\n fnstcw %1" : "=m"(cw), "=m"(cw2) : "m"(newcw));
  __asm__ volatile("fnstsw %0\n fnstsw %%ax\n mov %%ax, %1" : "=m"(sw), "=r"(ax) : : "rax");
  puts_("cw"); hx(cw); hx(cw2); hx(sw); hx(ax); nl();
  u32 env[7];
  __asm__ volatile("fnstenv %0" : "=m"(env));
  u16 after = 0;
  __asm__ volatile("fnstcw %0" : "=m"(after));
  puts_("env"); hx(env[0] & 0xffff); hx(env[1] & 0xffff); hx(env[2] & 0xffff); hx(after); nl();
  env[0] = (env[0] & ~0xffffu) | 0x027f;
  __asm__ volatile("fldenv %0\n fnstcw %1" : : "m"(env), "m"(after) : "memory");
  puts_("fldenv"); hx(after); nl();
  __asm__ volatile("fninit\n fnclex\n fnstcw %0" : "=m"(cw));
  puts_("fninit"); hx(cw); nl();
  /* FXSAVE: control words, MXCSR and its mask, XMM registers */
  u64 pat[4] = {0x0123456789abcdefUL, 0xfedcba9876543210UL, 0x1111222233334444UL, 0x5555666677778888UL};
  u32 mx = 0x1f80 | (3 << 13);
  __asm__ volatile("movdqu %0, %%xmm1\n movdqu %1, %%xmm15\n ldmxcsr %2" : : "m"(pat[0]), "m"(pat[2]), "m"(mx) : "xmm1", "xmm15");
  __asm__ volatile("fxsave %0" : "=m"(area));
  puts_("fxsave");
  hx(area[0] | area[1] << 8); hx(area[2] | area[3] << 8); hx(area[4]);
  u32 m0, m1; __builtin_memcpy(&m0, area + 24, 4); __builtin_memcpy(&m1, area + 28, 4); hx(m0); hx(m1);
  u64 q[4]; __builtin_memcpy(q, area + 160 + 16, 16); __builtin_memcpy(q + 2, area + 160 + 15 * 16, 16);
  hx(q[0]); hx(q[1]); hx(q[2]); hx(q[3]); nl();
  /* FXRSTOR of a changed area: XMM1 and MXCSR come back from memory */
  u64 z = 0xabcdabcdabcdabcdUL;
  __builtin_memcpy(area + 160 + 16, &z, 8);
  u32 mx2 = 0x1f80;
  __builtin_memcpy(area + 24, &mx2, 4);
  __asm__ volatile("pxor %%xmm1, %%xmm1\n fxrstor %0" : : "m"(area) : "xmm1");
  u64 back[2]; u32 mxr;
  __asm__ volatile("movdqu %%xmm1, %0\n stmxcsr %1" : "=m"(back), "=m"(mxr));
  puts_("fxrstor"); hx(back[0]); hx(back[1]); hx(mxr); nl();
  flush();
  return 0;
}
