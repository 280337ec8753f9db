/* #GP: MOVAPS from an address that is not 16-byte aligned after a line of output. qemu-x86_64
 * dies of SIGSEGV; the runner reports a general protection fault at the MOVAPS and exits 4. */
#include "lib.h"
static u8 buf[64] __attribute__((aligned(16)));
int main(void) {
  puts_("before\n");
  flush();
  __asm__ volatile("movaps %0, %%xmm0" : : "m"(*(u8 (*)[16])(buf + 8)) : "xmm0");
  puts_("after\n");
  flush();
  return 0;
}
