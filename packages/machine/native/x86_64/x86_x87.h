/* x86-64 CPU: what the x87 files share (x86_x87.c executes, x86_x87_state.c saves and restores). */
#ifndef C2W_X86_X87_H
#define C2W_X86_X87_H
#include "x86.h"

/* FLDENV FLDCW FNSTENV FNSTCW (D9 /4-/7) and FRSTOR FNSAVE FNSTSW (DD /4 /6 /7) at ea */
int x86_x87_control(X86Cpu *c, const X86Insn *d, uint64_t ea);
/* an 80-bit register image in memory (little-endian mantissa, then sign|exponent) */
int x86_f80_load(X86Cpu *c, uint64_t ea, F80 *v);
int x86_f80_store(X86Cpu *c, uint64_t ea, F80 v);
#endif
