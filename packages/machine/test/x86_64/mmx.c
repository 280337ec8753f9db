/* MMX: every 0F integer row without a prefix on MM registers (register and memory sources),
 * shifts by register and immediate, PSHUFW/PINSRW/PEXTRW/PMOVMSKB/MASKMOVQ, MOVD/MOVQ to and
 * from general registers and memory, MOVQ2DQ/MOVDQ2Q, CVTPI2PS/PD and CVT(T)PS2PI/PD2PI, and the x87 state MMX leaves: TOP 0, tags valid, EMMS
 * emptying the tags. Fixed-seed operand sweep. */
#include "lib.h"

#define MM(name, insn) \
  static u64 name(u64 a, u64 b) { \
    u64 r, m = b; \
    __asm__ volatile("movq %1, %%mm0\n movq %2, %%mm1\n " insn " %%mm1, %%mm0\n movq %%mm0, %0\n emms" \
                     : "=r"(r) : "r"(a), "r"(b) : "mm0", "mm1"); \
    __asm__ volatile("movq %1, %%mm2\n " insn " %2, %%mm2\n movq %%mm2, %0\n emms" : "=r"(m) : "r"(a), "m"(m) : "mm2"); \
    return r ^ (m << 1 | m >> 63); \
  }
MM(punpcklbw_, "punpcklbw") MM(punpcklwd_, "punpcklwd") MM(punpckldq_, "punpckldq") MM(packsswb_, "packsswb")
MM(pcmpgtb_, "pcmpgtb") MM(pcmpgtw_, "pcmpgtw") MM(pcmpgtd_, "pcmpgtd") MM(packuswb_, "packuswb")
MM(punpckhbw_, "punpckhbw") MM(punpckhwd_, "punpckhwd") MM(punpckhdq_, "punpckhdq") MM(packssdw_, "packssdw")
MM(pcmpeqb_, "pcmpeqb") MM(pcmpeqw_, "pcmpeqw") MM(pcmpeqd_, "pcmpeqd") MM(psrlw_, "psrlw") MM(psrld_, "psrld")
MM(psrlq_, "psrlq") MM(paddq_, "paddq") MM(pmullw_, "pmullw") MM(psubusb_, "psubusb") MM(psubusw_, "psubusw")
MM(pminub_, "pminub") MM(pand_, "pand") MM(paddusb_, "paddusb") MM(paddusw_, "paddusw") MM(pmaxub_, "pmaxub")
MM(pandn_, "pandn") MM(pavgb_, "pavgb") MM(psraw_, "psraw") MM(psrad_, "psrad") MM(pavgw_, "pavgw")
MM(pmulhuw_, "pmulhuw") MM(pmulhw_, "pmulhw") MM(psubsb_, "psubsb") MM(psubsw_, "psubsw") MM(pminsw_, "pminsw")
MM(por_, "por") MM(paddsb_, "paddsb") MM(paddsw_, "paddsw") MM(pmaxsw_, "pmaxsw") MM(pxor_, "pxor")
MM(psllw_, "psllw") MM(pslld_, "pslld") MM(psllq_, "psllq") MM(pmuludq_, "pmuludq") MM(pmaddwd_, "pmaddwd")
MM(psadbw_, "psadbw") MM(psubb_, "psubb") MM(psubw_, "psubw") MM(psubd_, "psubd") MM(psubq_, "psubq")
MM(paddb_, "paddb") MM(paddw_, "paddw") MM(paddd_, "paddd") MM(movq_, "movq")
static u64 (*const ops[])(u64, u64) = {
  punpcklbw_, punpcklwd_, punpckldq_, packsswb_, pcmpgtb_, pcmpgtw_, pcmpgtd_, packuswb_, punpckhbw_, punpckhwd_,
  punpckhdq_, packssdw_, pcmpeqb_, pcmpeqw_, pcmpeqd_, psrlw_, psrld_, psrlq_, paddq_, pmullw_, psubusb_, psubusw_,
  pminub_, pand_, paddusb_, paddusw_, pmaxub_, pandn_, pavgb_, psraw_, psrad_, pavgw_, pmulhuw_, pmulhw_, psubsb_,
  psubsw_, pminsw_, por_, paddsb_, paddsw_, pmaxsw_, pxor_, psllw_, pslld_, psllq_, pmuludq_, pmaddwd_, psadbw_,
  psubb_, psubw_, psubd_, psubq_, paddb_, paddw_, paddd_, movq_};

#define SHI(name, insn, n) \
  static u64 name(u64 a) { u64 r; __asm__ volatile("movq %1, %%mm5\n " insn " $" #n ", %%mm5\n movq %%mm5, %0\n emms" : "=r"(r) : "r"(a) : "mm5"); return r; }
SHI(w3, "psrlw", 3) SHI(w15, "psraw", 15) SHI(w17, "psllw", 17) SHI(d7, "psrld", 7) SHI(d31, "psrad", 31)
SHI(d1, "pslld", 1) SHI(q13, "psrlq", 13) SHI(q63, "psllq", 63) SHI(q64, "psrlq", 64)
static u64 (*const shis[])(u64) = {w3, w15, w17, d7, d31, d1, q13, q63, q64};

static void misc(u64 a, u64 b) {
  u64 sh, ins, ex, msk, d32, x2q, q2x[2];
  __asm__ volatile("movq %2, %%xmm3\n movdq2q %%xmm3, %%mm7\n pinsrw $0, %k3, %%xmm3\n movq %3, %%mm7\n movq2dq %%mm7, %%xmm3\n"
                   "movdqu %%xmm3, %1\n movq %2, %%xmm4\n movdq2q %%xmm4, %%mm1\n movq %%mm1, %0\n emms"
                   : "=r"(x2q), "=m"(q2x) : "r"(a), "r"(b) : "xmm3", "xmm4", "mm1", "mm7");
  hx(x2q); hx(q2x[0]); hx(q2x[1]);
  __asm__ volatile("movq %5, %%mm3\n pshufw $0x1b, %%mm3, %%mm4\n movq %%mm4, %0\n"
                   "pinsrw $2, %k6, %%mm3\n movq %%mm3, %1\n pextrw $3, %%mm3, %k2\n pmovmskb %%mm3, %k3\n"
                   "movd %k6, %%mm6\n movd %%mm3, %k4\n emms"
                   : "=r"(sh), "=r"(ins), "=r"(ex), "=r"(msk), "=r"(d32) : "r"(a), "r"(b) : "mm3", "mm4", "mm6");
  hx(sh); hx(ins); hx(ex); hx(msk); hx(d32);
  u8 buf[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  u64 mq = a;
  __asm__ volatile("movq %1, %%mm0\n movq %2, %%mm1\n maskmovq %%mm1, %%mm0\n movntq %%mm0, %0\n emms"
                   : "+m"(mq) : "r"(b), "r"(a), "D"(buf) : "mm0", "mm1", "memory");
  u64 bq; __builtin_memcpy(&bq, buf, 8);
  hx(bq); hx(mq);
}

/* the x87 view of MMX state: tag word, TOP and the register images; not the written register's
 * exponent, which hardware sets to all ones (SDM vol. 1 9.5.1) and qemu leaves alone */
static void state(void) {
  static u8 fx[512] __attribute__((aligned(16)));
  u32 env[7], env2[7];
  __asm__ volatile("fninit\n fld1\n fld1\n mov $0x123456789, %%rax\n movq %%rax, %%mm3\n fnstenv %0\n fldenv %0\n fxsave %2\n emms\n fnstenv %1"
                   : "=m"(env), "=m"(env2), "=m"(fx) : : "rax", "mm3", "memory");
  puts_("state"); hx(env[2] & 0xffff); hx(env2[2] & 0xffff); hx(env[1] & 0x3800); hx(fx[4]); hx(*(u64 *)(fx + 32 + 16 * 3));
  hx(*(u64 *)(fx + 32 + 16 * 7)); nl();
}

/* the MMX forms of the SSE/SSE2 conversions: round trips of integers, and random bit patterns
 * (mostly out of range: the integer indefinite) */
static void cvt(u64 a, u64 b) {
  u64 ps[2] = {a, b}, pd[2] = {0, 0}, r1, r2, r3, r4, x[2], y[2];
  __asm__ volatile("movq %6, %%mm0\n movdqu %7, %%xmm1\n cvtpi2ps %%mm0, %%xmm1\n movdqu %%xmm1, %4\n"
                   "cvtpi2pd %%mm0, %%xmm2\n movdqu %%xmm2, %5\n"
                   "movdqu %7, %%xmm3\n cvtps2pi %%xmm1, %%mm1\n movq %%mm1, %0\n cvttps2pi %%xmm3, %%mm1\n movq %%mm1, %1\n"
                   "cvtpd2pi %%xmm2, %%mm1\n movq %%mm1, %2\n cvttpd2pi %%xmm3, %%mm1\n movq %%mm1, %3\n emms"
                   : "=r"(r1), "=r"(r2), "=r"(r3), "=r"(r4), "=m"(x), "=m"(y) : "r"(a ^ b), "m"(ps), "m"(pd)
                   : "xmm1", "xmm2", "xmm3", "mm0", "mm1");
  hx(r1); hx(r2); hx(r3); hx(r4); hx(x[0]); hx(x[1]); hx(y[0]); hx(y[1]);
}

int main(void) {
  state();
  for (int i = 0; i < 150; i++) {
    u64 a = i < (int)NEDGE ? edges[i] : rnd(), b = operand(i + 5);
    if (i % 4 == 1) b = (b & 0xff) % 80; /* shift counts */
    puts_("mmx"); hx(a); hx(b);
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) hx(ops[k](a, b));
    for (unsigned k = 0; k < sizeof shis / sizeof shis[0]; k++) hx(shis[k](a));
    misc(a, b);
    cvt(a, b);
    nl();
  }
  flush();
  return 0;
}
