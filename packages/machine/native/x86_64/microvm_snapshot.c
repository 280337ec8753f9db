/* The x86_64 board's part of the pre-booted snapshot (common/snapshot.c, docs/decisions/0049):
 * the boot under wizer (deterministic: --icount, RDRAND's fixed sequence, the RTC at 0, no host
 * input, the entropy device held) up to c2w-init's run-request wait, and the board's own resume:
 * its clocks and RDRAND move to the host's. The shared devices (channel, disks, shares, stdin
 * port, entropy) are bound by snapshot.c, as on riscv64. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "microvm.h"

int x86_snapshot_boot(Config *cfg, X86Microvm **booted, Machine **dev) {
  X86Microvm *mv = calloc(1, sizeof *mv);
  if (!mv) return 1;
  int rc = x86_microvm_init(mv, cfg);
  if (rc) return rc;
  *booted = mv;
  *dev = mv->dev;
  rc = x86_microvm_run(mv);
  if (!mv->dev->paused) return rc;
  /* the snapshot keeps no host time and no decoded code or translations (rebuilt at resume:
   * zeros are bytes wizer does not store) */
  X86Cpu *c = mv->board.cpu;
  mv->last_poll_ns = mv->dev->last_input_poll_ns = mv->dev->idle_ns = mv->idle_ns = mv->time_base_ns = 0;
  mv->insns_per_ns = 0; /* measured from host time (microvm_run.c); x86_microvm_run sets both anew */
  memset(c->dcache_mem, 0, sizeof c->dcache_mem);
  memset(c->blk_map, 0, sizeof c->blk_map);
  memset(c->blk_mem, 0, sizeof c->blk_mem);
  memset(c->tlb, 0, sizeof c->tlb);
  memset(c->tlb_global, 0, sizeof c->tlb_global);
  memset(c->code_gen, 0, c->code_frames * sizeof *c->code_gen); /* no blocks, no write entries */
  c->code_next = 1;
  c->fetch_gen = 0;
  return 0;
}

int x86_snapshot_resume(X86Microvm *mv) {
  X86Cpu *c = mv->board.cpu;
  x86_dcache_flush(c);
  x86_tlb_flush(c, false);
  /* RDRAND/RDSEED: this run's host bytes from now on, not the boot's fixed sequence (the kernel
   * mixes them into every reseed of its crng) */
  c->rng_fixed = 0;
  c->rng_left = 0;
  /* the TSC (the LAPIC timer's and the guest clocksource's time base) goes on from the
   * snapshot's count, so armed deadlines stay where the guest put them; the wall clock is the
   * host's: the CMOS clock here, the kernel's from the request's c2w/time (c2w-init) */
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  rtc_set_time(&mv->board.rtc, (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec, x86_board_now(&mv->board), X86_TSC_HZ);
  mv->last_poll_ns = mv->dev->last_input_poll_ns = host_now_ns();
  /* x86_microvm_run: the TSC follows the host clock from the snapshot's count on (ADR 0050) */
  mv->dev->paused = false;
  return x86_microvm_run(mv);
}
