/* #DE: IDIV of INT64_MIN by -1 after a line of output. qemu-x86_64 dies of SIGFPE; the runner
 * reports a divide error at the IDIV and exits 4. */
#include "lib.h"
int main(void) {
  puts_("before\n");
  flush();
  u64 a = 0x8000000000000000UL, d = ~0UL, b = ~0UL;
  __asm__ volatile("idivq %2" : "+a"(a), "+d"(d) : "r"(b) : "cc");
  puts_("after\n");
  flush();
  return 0;
}
