/* c2w-x86-bare: runs a PVH ELF (a bare test program, later a kernel) on the x86-64 CPU and the
 * bare board (board.c): COM1 on stdin/stdout, isa-debug-exit for the exit status.
 * usage: c2w-x86-bare [--mem MIB] [--append CMDLINE] [--initrd FILE] [--limit N] [--stats] ELF (--limit: stop after
 * about N instructions, printing where the CPU is: for debugging a boot)
 * exit status: the one written to isa-debug-exit ((v << 1) | 1); 1 bad input, 2 usage,
 * 3 out of memory, 4 the machine stopped otherwise (shutdown, HLT with nothing to wake it). */
#include <stdlib.h>
#include <time.h>
#include "board.h"
#include "x86_mem.h"

#define SLICE 1000000ULL /* x86_run returns this often: V8 tiers up only a function that returns (DESIGN.md 2) */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  uint64_t mem_mib = 128;
  const char *cmdline = NULL, *initrd = NULL;
  bool stats = false;
  uint64_t limit = 0;
  int ai = 1;
  for (; ai < argc - 1 && argv[ai][0] == '-'; ai++) {
    if (!strcmp(argv[ai], "--stats")) stats = true;
    else if (!strcmp(argv[ai], "--mem") && ai + 2 < argc) mem_mib = strtoull(argv[++ai], NULL, 10);
    else if (!strcmp(argv[ai], "--append") && ai + 2 < argc) cmdline = argv[++ai];
    else if (!strcmp(argv[ai], "--initrd") && ai + 2 < argc) initrd = argv[++ai];
    else if (!strcmp(argv[ai], "--limit") && ai + 2 < argc) limit = strtoull(argv[++ai], NULL, 10);
    else break;
  }
  if (ai != argc - 1 || mem_mib < 2 || mem_mib > 3072) {
    fprintf(stderr, "usage: c2w-x86-bare [--mem MIB (2..3072)] [--append CMDLINE] [--initrd FILE] [--limit N] [--stats] ELF\n");
    return 2;
  }
  X86Cpu *c = x86_cpu_new();
  uint8_t *ram = c ? calloc(1, mem_mib << 20) : NULL;
  if (!ram) { fprintf(stderr, "c2w-x86-bare: cannot allocate %llu MiB of guest RAM\n", (unsigned long long)mem_mib); return 3; }
  X86Board b;
  char err[512];
  x86_reset(c);
  x86_board_init(&b, c, ram, mem_mib << 20, stdin, stdout);
  if (!c->code_gen) { fprintf(stderr, "c2w-x86-bare: out of memory\n"); return 3; }
  if (x86_pvh_load(&b, argv[ai], cmdline, initrd, err, sizeof err)) { fprintf(stderr, "c2w-x86-bare: %s\n", err); return 1; }
  x86_mptable_write(&b);
  int status = 0;
  uint64_t t0 = now_ns();
  for (;;) {
    uint64_t n, budget = SLICE, now = x86_board_now(&b), deadline = lapic_next_deadline(&b.lapic);
    if (deadline && deadline > now && deadline - now < budget) budget = deadline - now; /* the timer fires on time */
    if (limit && limit > c->instret && limit - c->instret < budget) budget = limit - c->instret;
    int rc = x86_run(c, budget, &n);
    fflush(stdout); /* COM1's output leaves at every slice end (as on the RV64 machine), not at exit */
    if (b.exited) { status = b.exit_status & 0xff; break; }
    if (limit && c->instret >= limit) {
      fflush(stdout);
      fprintf(stderr, "c2w-x86-bare: stopped after %llu instructions at rip 0x%llx (cs 0x%x cpl %d, cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx, rsp 0x%llx, rflags 0x%llx)\n",
              (unsigned long long)c->instret, (unsigned long long)c->rip, c->seg[S_CS].sel, c->cpl, (unsigned long long)c->cr0,
              (unsigned long long)c->cr3, (unsigned long long)c->cr4, (unsigned long long)c->efer, (unsigned long long)c->r[R_RSP],
              (unsigned long long)c->rflags);
      fprintf(stderr, "c2w-x86-bare: rax 0x%llx rcx 0x%llx rdx 0x%llx rsi 0x%llx rdi 0x%llx tsc 0x%llx\n",
              (unsigned long long)c->r[R_RAX], (unsigned long long)c->r[R_RCX], (unsigned long long)c->r[R_RDX],
              (unsigned long long)c->r[R_RSI], (unsigned long long)c->r[R_RDI], (unsigned long long)x86_board_now(&b));
      fprintf(stderr, "c2w-x86-bare: stack");
      for (int i = 0; i < 8; i++) {
        uint64_t v;
        if (x86_load(c, c->r[R_RSP] + 8 * (uint64_t)i, 8, &v)) break;
        fprintf(stderr, " 0x%llx", (unsigned long long)v);
      }
      fprintf(stderr, "\n");
      status = 4;
      break;
    }
    if (rc == X86_STOP_BUDGET) continue;
    /* idle: the clock skips to the next timer expiry (deterministic, no host sleeping), or input comes */
    if (rc == X86_STOP_HLT && (c->rflags & FLAG_IF) && x86_board_idle(&b)) continue;
    fflush(stdout);
    if (rc == X86_STOP_HLT)
      fprintf(stderr, "c2w-x86-bare: HLT at rip 0x%llx with nothing to wake it (IF=%d, no timer armed, no input)\n",
              (unsigned long long)c->rip, (int)((c->rflags >> 9) & 1));
    else if (rc == X86_STOP_SHUTDOWN)
      fprintf(stderr, "c2w-x86-bare: shutdown (triple fault, or an exception outside long mode) at rip 0x%llx after %llu instructions\n",
              (unsigned long long)c->rip, (unsigned long long)c->instret);
    else
      fprintf(stderr, "c2w-x86-bare: CPU stopped with code %d at rip 0x%llx\n", rc, (unsigned long long)c->rip);
    status = 4;
    break;
  }
  fflush(stdout);
  if (stats) {
    double s = (double)(now_ns() - t0) / 1e9;
    fprintf(stderr, "c2w-x86-bare: %llu instructions in %.3f s = %.1f MIPS\n",
            (unsigned long long)c->instret, s, s > 0 ? (double)c->instret / s / 1e6 : 0.0);
  }
  free(ram);
  x86_cpu_free(c);
  return status;
}
