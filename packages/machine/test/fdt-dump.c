/* Writes the device tree fdt_build makes for a machine with the virtio devices given as slot
 * numbers (argv), in a cold boot or, with `snapshot` first, a snapshot boot: test/fdt.test.ts reads
 * it back with dtc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"

int main(int argc, char **argv) {
  Machine *m = calloc(1, sizeof *m);
  Config cfg;
  memset(&cfg, 0, sizeof cfg);
  int i = 1;
  if (i < argc && !strcmp(argv[i], "snapshot")) { cfg.snapshot_boot = true; i++; }
  for (; i < argc; i++) m->virtio[atoi(argv[i])].device_id = VIRTIO_ID_BLOCK;
  m->cfg = &cfg;
  m->ram_size = 256ULL << 20;
  m->icount = true; /* a fixed rng-seed */
  static uint8_t buf[16384];
  int n = fdt_build(m, buf, sizeof buf, 0, 0, "console=ttyS0");
  if (n < 0) return 1;
  fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}
