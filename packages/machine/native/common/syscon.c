/* sifive_test "finisher", at 0x100000 as on QEMU virt (riscv64) and at 0xfeb80000 on the x86_64
 * board (x86_64/microvm.h; c2w-init picks the address by `uname -m`): 0x5555 = power off (exit 0),
 * 0x7777 = reboot, (code << 16) | 0x3333 = power off with exit status `code`.
 * Our addition at offset 4 (unused by QEMU's device): writing 1 opens the console gate
 * (--console-gate), so input typed or piped before the guest's program runs is not eaten by
 * the boot (the 8250 driver clears its FIFO, a cooked tty echoes it); writing 2 says the init
 * waits for its run request (the pre-booted snapshot's stop, docs/decisions/0038). */
#include "machine.h"

void syscon_write(Machine *m, uint64_t off, uint32_t val) {
  if (off == 4) {
    if (val == 1) m->console_gated = false;
    /* 2: c2w-init waits for its run request; a snapshot boot stops here (snapshot.c) */
    if (val == 2 && m->cfg && m->cfg->snapshot_boot) { m->paused = true; m->exit_slice = true; }
    return;
  }
  if (off != 0) return;
  switch (val & 0xffff) {
  case 0x5555: m->halted = true; m->exit_code = 0; break;
  case 0x3333: m->halted = true; m->exit_code = (int)(val >> 16); break;
  case 0x7777: m->halted = true; m->reboot = true; break;
  default: return;
  }
  m->exit_slice = true;
}
