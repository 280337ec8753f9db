/* The JIT tier's state (docs/decisions/0040). A JIT host finds it through the exported
 * c2w_jit_info and services its request queue when the machine next reads the clock (once per
 * slice): no import of its own, so the same machine.wasm instantiates on any WASI host. */
#include <stddef.h>
#include <stdlib.h>
#include "jit.h"

static Jit *the_jit; /* what c2w_jit_info reports */

int jit_init(Machine *m) {
  Jit *j = calloc(1, sizeof *j);
  if (!j) return 1;
  j->magic = JIT_MAGIC;
  j->tab_addr = (uint32_t)(uintptr_t)j->tab;
  j->insn_size = sizeof(Insn);
  j->entry_size = sizeof(JitEntry);
  j->off_x = offsetof(Machine, x);
  j->off_pc = offsetof(Machine, pc);
  j->off_tlb_cur = offsetof(Machine, tlb_cur);
  j->off_tlb_r = offsetof(Tlb, r);
  j->off_tlb_w = offsetof(Tlb, w);
  j->tlb_entry_size = sizeof(TlbEntry);
  j->tlb_size = TLB_SIZE;
  j->gen_next = 1;
  m->jit = j;
  the_jit = j;
  return 0;
}

/* Address of the Jit state in linear memory, 0 before the machine starts or without --jit. */
#ifdef __wasm__
__attribute__((export_name("c2w_jit_info")))
#endif
uint32_t c2w_jit_info(void) { return (uint32_t)(uintptr_t)the_jit; }
