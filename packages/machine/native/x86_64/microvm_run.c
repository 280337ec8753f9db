/* The x86_64 board's run loop: slices of x86_run bounded by the LAPIC timer, host input every
 * 10 ms, and HLT with interrupts on sleeping on the host until the next timer expiry (skipping to
 * it with --icount), or until host input when no timer is armed. Guest time is host time by
 * default (x86_microvm_follow_host_clock), the instruction count with --icount. The exit status
 * is the guest's, written to the finisher (common/syscon.c) as on riscv64. A snapshot boot reads
 * no host input (the boot must repeat exactly) and returns when the init signals its run-request
 * wait (dev->paused, docs/decisions/0049). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "microvm.h"

#define SLICE 1000000ULL /* x86_run returns this often: V8 tiers up only a function that returns (DESIGN.md 2) */
#define MIN_SLICE 1000ULL /* a slice ending just before a timer: x86_run's entry costs more than this */

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

/* The TSC counts retired instructions at the 1 GHz CPUID leaf 0x15 announces, but the interpreter
 * retires 30-100 M a second: left alone, guest time would crawl while the guest computes, and a
 * guest `sleep 1` next to any busy work took many host seconds (ADR 0050). So the TSC moves up
 * to the host clock at every slice end and as the guest reads it (X86Bus.tsc_sync), as riscv64's
 * mtime follows it; it never goes back, and between reads it still advances one tick per
 * instruction. --icount keeps the instruction count alone. */
void x86_microvm_follow_host_clock(X86Microvm *mv, uint64_t host_ns) {
  if (mv->cfg->icount) return;
  X86Cpu *c = mv->board.cpu;
  uint64_t host = host_ns - mv->time_base_ns, now = c->instret + c->tsc_offset;
  if (host > now) c->tsc_offset += host - now;
}

/* instructions until the timer's deadline: exact with --icount, else from the measured speed
 * (a slice of SLICE instructions is 10-30 ms of host time: a timer bounded only by it would be late) */
static uint64_t slice_budget(X86Microvm *mv, uint64_t now) {
  uint64_t deadline = lapic_next_deadline(&mv->board.lapic), budget = SLICE;
  if (!deadline || deadline <= now) return budget;
  uint64_t wait = deadline - now;
  if (!mv->cfg->icount) wait = (uint64_t)((double)wait * mv->insns_per_ns);
  if (wait < budget) budget = wait < MIN_SLICE ? MIN_SLICE : wait;
  return budget;
}

static void sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
  nanosleep(&ts, NULL);
}

/* HLT with IF = 1: true when the CPU can run again */
static bool idle(X86Microvm *mv) {
  X86Cpu *c = mv->board.cpu;
  uint64_t now = x86_board_now(&mv->board);
  if (lapic_pending(&mv->board.lapic, now)) return true;
  flush_output(mv);
  uint64_t deadline = lapic_next_deadline(&mv->board.lapic);
  if (deadline && deadline <= now) { poll_input(mv, 0); return true; }
  if (deadline && mv->cfg->icount) {
    /* deterministic: skip idle time straight to the timer */
    poll_input(mv, 0);
    c->tsc_offset += deadline - now;
    return true;
  }
  /* no timer armed: only host input can wake the guest, and a snapshot boot takes none */
  if (!deadline && mv->cfg->snapshot_boot) return false;
  /* sleep on the host until the timer (or 100 ms when none is armed), waking for input; poll
   * counts in milliseconds, so the last fraction of one is slept off without it: no spinning and
   * no sleeping past the deadline */
  uint64_t t0 = host_now_ns(), wait = deadline ? deadline - now : 100000000ULL;
  if (wait >= 1000000ULL) poll_input(mv, wait >= 100000000ULL ? 100 : (int)(wait / 1000000ULL));
  else { poll_input(mv, 0); sleep_ns(wait); }
  uint64_t t1 = host_now_ns();
  mv->idle_ns += t1 - t0;
  mv->last_poll_ns = t1;
  x86_microvm_follow_host_clock(mv, t1);
  return true;
}

int x86_microvm_run(X86Microvm *mv) {
  X86Cpu *c = mv->board.cpu;
  Machine *m = mv->dev;
  Config *cfg = mv->cfg;
  uint64_t t0 = host_now_ns();
  int status;
  mv->time_base_ns = t0 - x86_board_now(&mv->board);
  mv->insns_per_ns = 0.05; /* a first guess (50 MIPS); measured from the first full slice on */
  for (;;) {
    uint64_t n, now = x86_board_now(&mv->board), budget = slice_budget(mv, now);
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
    uint64_t start = host_now_ns();
    int rc = x86_run(c, budget, &n);
    uint64_t t = host_now_ns();
    if (rc == X86_STOP_BUDGET && n >= 100000 && t > start) /* a moving average over busy slices */
      mv->insns_per_ns += ((double)n / (double)(t - start) - mv->insns_per_ns) / 8;
    x86_microvm_follow_host_clock(mv, t);
    flush_output(mv);
    if (m->halted) {
      status = m->exit_code;
      if (m->reboot) { fprintf(stderr, "c2w-machine: the guest asked for a reboot, which the x86_64 board does not do\n"); status = 4; }
      break;
    }
    if (mv->board.exited) { status = mv->board.exit_status & 0xff; break; }
    if (m->paused) { status = 0; break; } /* at an instruction boundary: the devmem write completed */
    if (!cfg->snapshot_boot && t - mv->last_poll_ns > 10000000ULL) { poll_input(mv, 0); mv->last_poll_ns = t; }
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
    double s = (double)(host_now_ns() - t0) / 1e9, idle_s = (double)mv->idle_ns / 1e9, busy = s - idle_s;
    fprintf(stderr, "c2w-machine: %llu instructions in %.3f s = %.1f MIPS (x86_64; %.3f s idle in HLT, %.1f MIPS busy)\n",
            (unsigned long long)c->instret, s, s > 0 ? (double)c->instret / s / 1e6 : 0.0, idle_s,
            busy > 0 ? (double)c->instret / busy / 1e6 : 0.0);
  }
  return status;
}
