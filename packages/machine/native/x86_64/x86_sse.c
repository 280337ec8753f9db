/* x86-64 CPU: SSE and SSE2 (SDM vol. 1 ch. 10-11). */
#include "x86.h"
#include "x86_ops.h"

int x86_sse(X86Cpu *c, const X86Insn *d) { return EXC_UD; }
