/* #UD: UD2 after a line of output. qemu-x86_64 dies of SIGILL; the runner reports an invalid
 * opcode at the UD2 and exits 4. */
#include "lib.h"
int main(void) {
  puts_("before\n");
  flush();
  __asm__ volatile("ud2");
  puts_("after\n");
  flush();
  return 0;
}
