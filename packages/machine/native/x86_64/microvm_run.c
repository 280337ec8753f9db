/* The x86_64 board's run loop: slices of x86_run bounded by the LAPIC timer, host input every
 * 10 ms, and HLT with interrupts on waiting for the next timer expiry in host time (skipping to
 * it with --icount; the TSC counts retired instructions otherwise), or for host input when no
 * timer is armed. The exit status is the guest's, written to the finisher (common/syscon.c) as on
 * riscv64. A snapshot boot reads no host input (the boot must repeat exactly) and returns when
 * the init signals its run-request wait (dev->paused, docs/decisions/0049). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "microvm.h"

#define SLICE 1000000ULL /* x86_run returns this often: V8 tiers up only a function that returns (DESIGN.md 2) */

/* Host input: to the virtio console or stdin port (common/console.c), else to COM1 while the
 * console gate is open; the network's frames move while either waits (console_wait_input). */
static void poll_input(X86Microvm *mv, int timeout_ms) {
  Machine *m = mv->dev;
  if (m->cfg->snapshot_boot) return;
  /* a resumed snapshot in tty mode has the stdin port (probed at boot) detached: input goes to COM1 */
  if (m->cfg->virtio_console || (m->cfg->stdin_port && !m->port_detached)) { console_poll_input(m, timeout_ms); return; }
  X86Uart *u = &mv->board.com1;
  unsigned space = com_rx_space(u);
  if (m->stdin_eof || m->console_gated || !space) { console_wait_input(m, false, timeout_ms); return; }
  if (!console_wait_input(m, true, timeout_ms)) return;
  uint8_t buf[COM_FIFO];
  ssize_t n = read(0, buf, space);
  if (n <= 0) { if (n == 0 || errno != EAGAIN) m->stdin_eof = true; return; }
  com_receive(u, buf, (unsigned)n);
}

static void flush_output(X86Microvm *mv) { console_flush(mv->dev); } /* COM1 and the virtio console */

/* HLT with IF = 1: true when the CPU can run again */
static bool idle(X86Microvm *mv) {
  X86Cpu *c = mv->board.cpu;
  uint64_t now = x86_board_now(&mv->board);
  if (lapic_pending(&mv->board.lapic, now)) return true;
  flush_output(mv);
  uint64_t deadline = lapic_next_deadline(&mv->board.lapic);
  if (deadline) {
    if (deadline <= now) { poll_input(mv, 0); return true; }
    uint64_t wait = deadline - now; /* TSC ticks are nanoseconds (TSC_HZ) */
    if (mv->cfg->icount) {
      /* deterministic: skip idle time straight to the timer */
      poll_input(mv, 0);
      c->tsc_offset += wait;
      return true;
    }
    /* by default the guest's idle time passes on the host too (`sleep 1` takes a second, as on
     * riscv64); the stamp moves by the time actually waited, at most to the timer */
    uint64_t t0 = host_now_ns(), ms = wait / 1000000;
    poll_input(mv, ms > 100 ? 100 : (int)ms);
    uint64_t t1 = host_now_ns();
    c->tsc_offset += t1 - t0 < wait ? t1 - t0 : wait;
    mv->last_poll_ns = t1;
    return true;
  }
  /* no timer armed: only host input can wake the guest, and a snapshot boot takes none */
  if (mv->cfg->snapshot_boot) return false;
  poll_input(mv, 100);
  mv->last_poll_ns = host_now_ns();
  return true;
}

int x86_microvm_run(X86Microvm *mv) {
  X86Cpu *c = mv->board.cpu;
  Machine *m = mv->dev;
  Config *cfg = mv->cfg;
  uint64_t t0 = host_now_ns();
  int status;
  for (;;) {
    uint64_t n, budget = SLICE, now = x86_board_now(&mv->board), deadline = lapic_next_deadline(&mv->board.lapic);
    if (deadline && deadline > now && deadline - now < budget) budget = deadline - now; /* the timer fires on time */
    if (cfg->max_insns) {
      if (c->instret >= cfg->max_insns) {
        flush_output(mv);
        fprintf(stderr, "c2w-machine: stopped after %llu instructions (--max-insns)\n", (unsigned long long)c->instret);
        status = 3;
        break;
      }
      if (cfg->max_insns - c->instret < budget) budget = cfg->max_insns - c->instret;
    }
    if (m->net) virtio_net_poll(m, m->net);
    int rc = x86_run(c, budget, &n);
    flush_output(mv);
    if (m->halted) {
      status = m->exit_code;
      if (m->reboot) { fprintf(stderr, "c2w-machine: the guest asked for a reboot, which the x86_64 board does not do\n"); status = 4; }
      break;
    }
    if (mv->board.exited) { status = mv->board.exit_status & 0xff; break; }
    if (m->paused) { status = 0; break; } /* at an instruction boundary: the devmem write completed */
    if (!cfg->snapshot_boot) {
      uint64_t t = host_now_ns();
      if (t - mv->last_poll_ns > 10000000ULL) { poll_input(mv, 0); mv->last_poll_ns = t; }
    }
    if (rc == X86_STOP_BUDGET) continue;
    if (rc == X86_STOP_HLT && (c->rflags & FLAG_IF) && idle(mv)) continue;
    if (rc == X86_STOP_HLT)
      fprintf(stderr, "c2w-machine: the x86_64 CPU halted at rip 0x%llx with nothing to wake it (%s)\n", (unsigned long long)c->rip,
              c->rflags & FLAG_IF ? "no timer armed and no host input while booting for the snapshot" : "interrupts off");
    else if (rc == X86_STOP_SHUTDOWN)
      fprintf(stderr, "c2w-machine: the x86_64 CPU shut down (triple fault: the guest rebooted or crashed) at rip 0x%llx after %llu instructions\n",
              (unsigned long long)c->rip, (unsigned long long)c->instret);
    else
      fprintf(stderr, "c2w-machine: the x86_64 CPU stopped with code %d at rip 0x%llx\n", rc, (unsigned long long)c->rip);
    status = 4;
    break;
  }
  flush_output(mv);
  if (cfg->stats) {
    double s = (double)(host_now_ns() - t0) / 1e9;
    fprintf(stderr, "c2w-machine: %llu instructions in %.3f s = %.1f MIPS (x86_64)\n", (unsigned long long)c->instret, s,
            s > 0 ? (double)c->instret / s / 1e6 : 0.0);
  }
  return status;
}
