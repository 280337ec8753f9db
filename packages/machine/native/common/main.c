/* c2w-machine entry point: parse the configuration, build the machine (riscv64/ or, with --arch
 * x86_64, x86_64/microvm.c), run it, and return the guest's exit status (the finisher). Same
 * code natively and as wasm32-wasi. A module
 * that carries its boot files (c2w convert IMAGE out.wasm) takes its configuration from them and
 * its arguments as the container's (single_file.c); one snapshotted by wizer after its boot
 * resumes it (snapshot.c). */
#include <stdio.h>
#include <stdlib.h>
#include "machine.h"

int main(int argc, char **argv) {
  /* booted at conversion (snapshot.c): the run request resumes that machine */
  if (snapshot_taken()) return snapshot_resume(argc, argv);
  Config cfg;
  int rc = single_file_config(&cfg, argc, argv);
  if (rc == SINGLE_FILE_NONE) rc = config_parse(&cfg, argc, argv);
  if (rc == -1) return 0;
  if (rc) return rc;
  console_init();
  if (cfg.arch == ARCH_X86_64) { /* x86_64/: its own CPU and board, the same devices and config */
    rc = x86_microvm_main(&cfg);
    config_free(&cfg);
    return rc;
  }
  Machine *m = machine_new();
  if (!m) return 1;
  uint64_t t0 = host_now_ns(), total = 0, idle = 0;
  for (;;) {
    rc = machine_init(m, &cfg);
    if (rc) { machine_free(m, false); break; }
    rc = machine_run_to_exit(m);
    total += m->instret;
    idle += m->idle_ns;
    bool reboot = m->reboot;
    machine_free(m, reboot);
    if (!reboot) break;
  }
  if (cfg.stats) {
    double s = (double)(host_now_ns() - t0) / 1e9;
    double busy = s - (double)idle / 1e9;
    fprintf(stderr, "c2w-machine: %llu instructions in %.3f s = %.1f MIPS (%.3f s idle in WFI, %.1f MIPS busy)\n",
            (unsigned long long)total, s, s > 0 ? (double)total / s / 1e6 : 0.0, (double)idle / 1e9,
            busy > 0 ? (double)total / busy / 1e6 : 0.0);
  }
  machine_delete(m);
  config_free(&cfg);
  return rc;
}
