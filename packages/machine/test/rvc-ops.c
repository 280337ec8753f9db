/* Prints, one per line, every operation the decoder makes of a 16-bit encoding (rvc_expand, then
 * decode_insn, as decode_one does): the operations the interpreter needs a compressed case for.
 * test/rvc-ops.test.ts compares them with the loop's cases (cpu_loop.h). */
#include <stdio.h>
#include "machine.h"
#include "decode.h"

void decode_insn(uint32_t raw, Insn *d);

int main(void) {
  int seen[256] = {0};
  for (uint32_t c = 0; c < 65536; c++) {
    if ((c & 3) == 3) continue; /* a 32-bit encoding */
    uint32_t e = rvc_expand((uint16_t)c);
    Insn d = {0};
    if (e) decode_insn(e, &d);
    else d.op = OP_ILLEGAL;
    seen[d.op] = 1;
  }
  for (int i = 0; i < 256; i++)
    if (seen[i]) printf("%d\n", i);
  return 0;
}
