/* #PF in a fused compare and Jcc (ADR 0053): CMP of an unmapped address after a line of output.
 * qemu-x86_64 dies of SIGSEGV; the runner reports a page fault at the CMP (not at the Jcc) and exits 4. */
#include "lib.h"
int main(void) {
  puts_("before\n");
  flush();
  u64 t = 0;
  /* far above the runner's memory and qemu-x86_64's mappings */
  __asm__ volatile("cmpq $1, (%1)\n\tjne 1f\n\tmov $1, %0\n1:" : "+r"(t) : "r"(0x500000000000UL) : "cc", "memory");
  puts_("after\n");
  flush();
  return (int)t;
}
