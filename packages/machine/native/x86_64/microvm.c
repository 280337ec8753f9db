/* Assembly of the x86_64 board (microvm.h): guest RAM from physical 0, the CPU, the bare board's
 * devices, the shared virtio-mmio devices in QEMU microvm's slots, and the kernel command line
 * that names them; then the PVH boot of cfg->kernel (no firmware, as QEMU's microvm -kernel). */
#include <stdlib.h>
#include <unistd.h>
#include "microvm.h"

static void dma_written(void *ctx, uint64_t pa, uint64_t len) { x86_code_written(ctx, pa, len); }

/* the shared devices' lines are I/O APIC pins */
static void ioapic_line(void *ctx, int line, int level) {
  X86Microvm *mv = ctx;
  ioapic_set_irq(&mv->board.ioapic, line, level != 0);
  if (level) x86_request_stop(mv->board.cpu); /* the interrupt may be deliverable after this instruction */
}

/* COM1's output joins the virtio console's in the host console buffer (common/console.c), which
 * also waits out a non-blocking stdout */
static void com1_tx(void *ctx, uint8_t byte) {
  X86Microvm *mv = ctx;
  console_out(mv->dev, &byte, 1);
}

static uint64_t mmio_read(void *ctx, uint64_t pa, int size) {
  X86Microvm *mv = ctx;
  uint64_t off = pa - MICROVM_VIRTIO_BASE;
  if (off < VIRTIO_SLOTS * MICROVM_VIRTIO_STRIDE)
    return virtio_read(mv->dev, (int)(off / MICROVM_VIRTIO_STRIDE), off % MICROVM_VIRTIO_STRIDE, size);
  if (pa - MICROVM_SYSCON_BASE < MICROVM_SYSCON_SIZE) return 0;
  return x86_board_mmio_read(ctx, pa, size);
}

static void mmio_write(void *ctx, uint64_t pa, int size, uint64_t v) {
  X86Microvm *mv = ctx;
  uint64_t off = pa - MICROVM_VIRTIO_BASE;
  if (off < VIRTIO_SLOTS * MICROVM_VIRTIO_STRIDE) {
    virtio_write(mv->dev, (int)(off / MICROVM_VIRTIO_STRIDE), off % MICROVM_VIRTIO_STRIDE, size, v);
  } else if (pa - MICROVM_SYSCON_BASE < MICROVM_SYSCON_SIZE) {
    syscon_write(mv->dev, pa - MICROVM_SYSCON_BASE, (uint32_t)v);
    if (mv->dev->halted || mv->dev->paused) x86_request_stop(mv->board.cpu);
  } else {
    x86_board_mmio_write(ctx, pa, size, v);
  }
}

/* guest time is host time (microvm_run.c): a TSC read sees the host clock, not the count of the
 * slice's start (a nanosleep started from a stale read would end early by up to a slice) */
static void tsc_sync(void *ctx) { x86_microvm_follow_host_clock(ctx, host_now_ns()); }

/* the virtio devices in riscv64's order (drives, console, stdin port, shares), the first in the
 * highest slot, each appended to the command line as QEMU's microvm appends it with acpi=off */
static int add_devices(X86Microvm *mv, char *cmdline, size_t cap) {
  Machine *m = mv->dev;
  Config *cfg = mv->cfg;
  int slot = VIRTIO_SLOTS - 1;
  for (int i = 0; i < cfg->ndrives; i++, slot--)
    if (virtio_blk_init(m, &m->virtio[slot], cfg->drives[i].path, cfg->drives[i].readonly)) return 1;
  if (cfg->virtio_console) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: too many virtio devices\n"); return 2; }
    virtio_console_init(m, &m->virtio[slot--], false);
  }
  if (cfg->stdin_port) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: too many virtio devices\n"); return 2; }
    if (virtio_console_init(m, &m->virtio[slot--], true)) { fprintf(stderr, "c2w-machine: out of memory\n"); return 1; }
  }
  if (cfg->winsize) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: too many virtio devices\n"); return 2; }
    if (winsize_port_init(m, &m->virtio[slot--], cfg->winsize)) return 1;
  }
  if (cfg->net) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: too many virtio devices\n"); return 2; }
    if (virtio_net_init(m, &m->virtio[slot], cfg->net)) return 1;
    m->net = &m->virtio[slot--];
  }
  for (int i = 0; i < cfg->nshares; i++, slot--) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: too many virtio devices (drives + shares + console > %d)\n", VIRTIO_SLOTS); return 2; }
    if (virtio_9p_init(m, &m->virtio[slot], &cfg->shares[i])) return 1;
  }
  /* a snapshot boot: the entropy device whose requests wait for the run (ADR 0041, 0049) */
  if (cfg->snapshot_boot) {
    if (slot < 0) { fprintf(stderr, "c2w-machine: no virtio slot left for the entropy device (too many drives)\n"); return 2; }
    virtio_rng_init(m, &m->virtio[slot--], true);
  }
  /* the CPU's RDRAND seeds the kernel's pool at boot (else a first getrandom() waits for jitter
   * entropy, ~2.5 G instructions); first, so the user's --append can turn it off. Not in a
   * snapshot boot: the pool it seeds would be every run's (the run's virtio-rng bytes seed it) */
  snprintf(cmdline, cap, "random.trust_cpu=%s%s%s", cfg->snapshot_boot ? "off" : "on", cfg->append && *cfg->append ? " " : "",
           cfg->append ? cfg->append : "");
  for (int s = VIRTIO_SLOTS - 1; s > slot; s--) {
    size_t n = strlen(cmdline);
    snprintf(cmdline + n, cap - n, "%svirtio_mmio.device=512@0x%llx:%d", n ? " " : "",
             (unsigned long long)(MICROVM_VIRTIO_BASE + MICROVM_VIRTIO_STRIDE * (uint64_t)s), MICROVM_VIRTIO_IRQ0 + s);
  }
  if (strlen(cmdline) >= 4095) { fprintf(stderr, "c2w-machine: kernel command line longer than 4095 bytes\n"); return 2; }
  return 0;
}

int x86_microvm_init(X86Microvm *mv, Config *cfg) {
  memset(mv, 0, sizeof *mv);
  mv->cfg = cfg;
  X86Cpu *c = x86_cpu_new();
  Machine *m = calloc(1, sizeof *m);
  /* wasm: fresh heap memory is zero, and a memset of the whole RAM would take seconds in V8 */
#ifdef __wasm__
  uint8_t *ram = malloc(cfg->memory);
#else
  uint8_t *ram = calloc(1, cfg->memory);
#endif
  mv->dev = m;
  if (!c || !m || !ram) {
    fprintf(stderr, "c2w-machine: cannot allocate %llu MiB of guest RAM\n", (unsigned long long)(cfg->memory >> 20));
    x86_cpu_free(c);
    free(ram);
    return 1;
  }
  x86_reset(c);
  x86_board_init(&mv->board, c, ram, cfg->memory, NULL, stdout);
  if (!c->code_gen) { fprintf(stderr, "c2w-machine: out of memory\n"); return 1; }
  if (cfg->icount) c->rng_fixed = 0x9e3779b97f4a7c15ULL; /* RDRAND repeats with --icount */
  if (cfg->snapshot_boot) rtc_reset(&mv->board.rtc, 0); /* a snapshot holds no host time: the run sets it */
  c->bus.mmio_read = mmio_read;
  c->bus.mmio_write = mmio_write;
  c->bus.tsc_sync = tsc_sync; /* a no-op with --icount, which a resumed snapshot turns off */
  mv->board.com1.tx = com1_tx;
  m->cfg = cfg;
  m->irq = (IrqLines){ioapic_line, mv};
  m->ram = ram;
  m->ram_base = 0;
  m->ram_size = cfg->memory;
  m->dma_written = (DmaHook){dma_written, c}; /* device writes to RAM drop the decoded code there (ADR 0055) */
  m->console_gated = cfg->console_gate;
  for (int i = 0; i < VIRTIO_SLOTS; i++) { m->virtio[i].irq = (uint32_t)(MICROVM_VIRTIO_IRQ0 + i); m->virtio[i].fd = -1; }
  char cmdline[4096], err[512];
  int rc = add_devices(mv, cmdline, sizeof cmdline);
  if (rc) return rc;
  if (x86_pvh_load(&mv->board, cfg->kernel, cmdline, cfg->initrd, err, sizeof err)) {
    fprintf(stderr, "c2w-machine: %s\n", err);
    return 1;
  }
  x86_mptable_write(&mv->board);
  return 0;
}

static void microvm_free(X86Microvm *mv) {
  Machine *m = mv->dev;
  if (m) {
    for (int i = 0; i < VIRTIO_SLOTS; i++) {
      if (m->virtio[i].fd >= 0) close(m->virtio[i].fd);
      free(m->virtio[i].cache);
      free(m->virtio[i].in);
      virtio_9p_free(&m->virtio[i]);
      virtio_net_free(&m->virtio[i]);
    }
  }
  free(mv->board.ram);
  if (mv->board.cpu) free(mv->board.cpu->code_gen);
  x86_cpu_free(mv->board.cpu);
  free(m);
}

int x86_microvm_main(Config *cfg) {
  X86Microvm *mv = calloc(1, sizeof *mv);
  if (!mv) return 1;
  int rc = x86_microvm_init(mv, cfg);
  if (!rc) rc = x86_microvm_run(mv);
  microvm_free(mv);
  free(mv);
  return rc;
}
