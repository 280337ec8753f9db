/* Machine assembly and boot, mirroring QEMU 7.2 hw/riscv/boot.c for the virt board:
 * firmware at 0x80000000, kernel at 0x80200000, initrd at kernel + min(RAM/2, 128 MiB), device
 * tree 2 MiB-aligned below min(RAM end, 3 GiB), and the MROM reset vector at 0x1000 that jumps to
 * the firmware with a0 = hartid, a1 = fdt, a2 = &fw_dynamic_info (0x1028, OpenSBI fw_dynamic v2). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#ifndef __wasm__
#include <sys/mman.h>
#endif
#include "machine.h"
#include "jit.h"

#define SLICE_MAX (1u << 20)

static int load_file(Machine *m, const char *what, const char *path, uint64_t addr, uint64_t *size_out) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "c2w-machine: cannot open %s '%s': %s\n", what, path, strerror(errno)); return -1; }
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) {
    fprintf(stderr, "c2w-machine: %s '%s' is empty or unreadable\n", what, path);
    close(fd);
    return -1;
  }
  uint8_t *dst = bus_ram_ptr(m, addr, (uint64_t)size);
  if (!dst) {
    fprintf(stderr, "c2w-machine: %s '%s' (%lld bytes) does not fit in RAM at 0x%llx; use a larger --memory\n", what,
            path, (long long)size, (unsigned long long)addr);
    close(fd);
    return -1;
  }
  uint64_t got = 0;
  while (got < (uint64_t)size) {
    ssize_t n = pread(fd, dst + got, (size_t)((uint64_t)size - got), (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { fprintf(stderr, "c2w-machine: cannot read %s '%s'\n", what, path); close(fd); return -1; }
    got += (uint64_t)n;
  }
  close(fd);
  ram_written(m, addr, got);
  if (size_out) *size_out = got;
  return 0;
}

/* the shared devices' interrupt lines are PLIC sources */
static void plic_line(void *ctx, int line, int level) { plic_set_irq(ctx, line, level); }

static void put32le(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64le(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Guest RAM and the decode cache are allocated once and kept across reboots (m->ram, m->dcache
 * must be NULL before the first call). They are never cleared with memset: fresh memory is zero
 * (calloc natively; in wasm the untouched heap top, because memory.fill of 256 MiB takes seconds
 * in V8); after a reboot RAM keeps its old content, like real hardware, and decode-cache entries
 * are cleared when first reused. */
int machine_init(Machine *m, Config *cfg) {
  uint8_t *ram = m->ram;
  DecodedPage *dcache = m->dcache;
  uint64_t ram_size = m->ram_size;
  memset(m, 0, sizeof *m);
  m->cfg = cfg;
  m->irq = (IrqLines){plic_line, m};
  m->ram_base = RAM_BASE;
  m->ram_size = cfg->memory;
  if (ram && ram_size == m->ram_size) {
    m->ram = ram;
  } else {
    free(ram);
#ifdef __wasm__
    m->ram = malloc(m->ram_size);
#else
    m->ram = calloc(1, m->ram_size);
#ifdef MADV_HUGEPAGE
    /* fewer host page faults while the guest touches its memory (calloc'd blocks are mmapped) */
    if (m->ram) {
      uintptr_t a = ((uintptr_t)m->ram + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
      uintptr_t e = ((uintptr_t)m->ram + m->ram_size) & ~(uintptr_t)((2u << 20) - 1);
      if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#endif
#endif
  }
  if (dcache) {
    m->dcache = dcache;
    memset(m->dcache_used, 1, sizeof m->dcache_used);
  } else {
#ifdef __wasm__
    m->dcache = malloc(sizeof(DecodedPage) * DC_PAGES);
#else
    m->dcache = calloc(DC_PAGES, sizeof(DecodedPage));
#endif
  }
  m->code_page = calloc(1, m->ram_size >> PAGE_SHIFT);
  if (!m->ram || !m->code_page || !m->dcache) {
    fprintf(stderr, "c2w-machine: cannot allocate %llu MiB of guest RAM\n", (unsigned long long)(m->ram_size >> 20));
    return 1;
  }
  for (int i = 0; i < DC_PAGES; i++) m->dcache_ppn[i] = ~0ULL;
  if (cfg->jit && jit_init(m)) {
    fprintf(stderr, "c2w-machine: cannot allocate the JIT's block table (--jit)\n");
    return 1;
  }
  m->icount = cfg->icount;
  m->console_gated = cfg->console_gate;
  m->time_base_ns = cfg->snapshot_boot ? 0 : host_now_ns(); /* a snapshot's bytes hold no host time */
  m->clint.mtimecmp = ~0ULL;
  m->uart.iir = 1;
  m->uart.lsr = 0x60;
  for (int i = 0; i < VIRTIO_SLOTS; i++) { m->virtio[i].irq = (uint32_t)i + 1; m->virtio[i].fd = -1; }

  uint64_t size;
  if (load_file(m, "firmware", cfg->bios, RAM_BASE, &size)) return 1;
  uint64_t kernel_entry = 0, initrd_start = 0, initrd_end = 0;
  if (cfg->kernel) {
    kernel_entry = RAM_BASE + KERNEL_OFFSET;
    if (size > KERNEL_OFFSET) {
      fprintf(stderr, "c2w-machine: firmware '%s' is larger than 2 MiB and overlaps the kernel\n", cfg->bios);
      return 1;
    }
    if (load_file(m, "kernel", cfg->kernel, kernel_entry, &size)) return 1;
    if (cfg->initrd) {
      uint64_t half = m->ram_size / 2, cap = 128ULL << 20;
      initrd_start = kernel_entry + (half < cap ? half : cap);
      if (initrd_start < kernel_entry + size) initrd_start = (kernel_entry + size + PAGE_MASK) & ~PAGE_MASK;
      if (load_file(m, "initrd", cfg->initrd, initrd_start, &size)) return 1;
      initrd_end = initrd_start + size;
    }
  }
  /* devices: QEMU attaches the first virtio device to the highest slot */
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

  /* device tree */
  uint8_t fdt[16384];
  int fdt_size = fdt_build(m, fdt, sizeof fdt, initrd_start, initrd_end, cfg->append);
  if (fdt_size < 0) { fprintf(stderr, "c2w-machine: device tree too large (kernel command line too long?)\n"); return 1; }
  uint64_t dram_end = RAM_BASE + m->ram_size, top = dram_end < 0xc0000000ULL ? dram_end : 0xc0000000ULL;
  uint64_t fdt_addr = (top - (uint64_t)fdt_size) & ~((2ULL << 20) - 1);
  if (initrd_end > fdt_addr) { fprintf(stderr, "c2w-machine: initrd overlaps the device tree; use a larger --memory\n"); return 1; }
  memcpy(bus_ram_ptr(m, fdt_addr, (uint64_t)fdt_size), fdt, (size_t)fdt_size);

  /* MROM: reset vector + fw_dynamic_info */
  static const uint32_t vec[6] = {0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067};
  for (int i = 0; i < 6; i++) put32le(m->mrom + 4 * i, vec[i]);
  put64le(m->mrom + 0x18, RAM_BASE);
  put64le(m->mrom + 0x20, fdt_addr);
  uint8_t *info = m->mrom + (FW_DYN_INFO_ADDR - MROM_BASE);
  put64le(info + 0, 0x4942534f);   /* magic "OSBI" */
  put64le(info + 8, 2);            /* version */
  put64le(info + 16, kernel_entry); /* next_addr */
  put64le(info + 24, 1);           /* next_mode: S */
  put64le(info + 32, cfg->quiet_firmware ? 1 : 0); /* options: bit 0 = SBI_SCRATCH_NO_BOOT_PRINTS */
  put64le(info + 40, 0);           /* boot_hart */

  cpu_reset(m, MROM_BASE);
  return 0;
}

/* Releases the devices; with keep_memory, guest RAM and the decode cache stay for a reboot. */
void machine_free(Machine *m, bool keep_memory) {
  for (int i = 0; i < VIRTIO_SLOTS; i++) {
    if (m->virtio[i].fd >= 0) close(m->virtio[i].fd);
    free(m->virtio[i].cache);
    free(m->virtio[i].in);
    m->virtio[i].cache = NULL;
    virtio_9p_free(&m->virtio[i]);
    virtio_net_free(&m->virtio[i]);
    m->virtio[i].in = NULL;
    m->virtio[i].fd = -1;
  }
  free(m->code_page);
  m->code_page = NULL;
  if (!keep_memory) {
    free(m->ram);
    free(m->dcache);
    m->ram = NULL;
    m->dcache = NULL;
  }
}

/* Run until the guest powers off (or --max-insns), or pauses for a snapshot (m->paused). Returns
 * the host exit status. A snapshot boot reads no host input: the boot must repeat exactly. */
int machine_run_to_exit(Machine *m) {
  Config *cfg = m->cfg;
  while (!m->halted && !m->paused) {
    clint_update(m);
    cpu_check_interrupts(m);
    uint64_t now_ns = host_now_ns();
    if (m->wfi) {
      if (m->mip & m->mie) {
        m->wfi = false;
      } else {
        console_flush(m);
        uint64_t now = machine_mtime(m);
        int ms = 100;
        if (m->clint.mtimecmp != ~0ULL && (m->mie & MIP_MTIP)) {
          if (m->icount) {
            /* deterministic: skip idle time straight to the next timer event */
            if (m->clint.mtimecmp > now) m->mtime_icount_base += m->clint.mtimecmp - now;
            ms = 0;
          } else {
            uint64_t ticks = m->clint.mtimecmp > now ? m->clint.mtimecmp - now : 0;
            uint64_t t = ticks / (TIMEBASE_HZ / 1000);
            ms = t < 100 ? (int)t : 100;
          }
        }
        if (!cfg->snapshot_boot) console_poll_input(m, ms);
        m->last_input_poll_ns = host_now_ns();
        m->idle_ns += m->last_input_poll_ns - now_ns;
        continue;
      }
    }
    if (now_ns - m->last_input_poll_ns > 10000000ULL && !cfg->snapshot_boot) {
      console_poll_input(m, 0);
      m->last_input_poll_ns = now_ns;
    }
    uint64_t budget = SLICE_MAX;
    /* end the slice near the next timer deadline (an estimate: 20 instructions per 100 ns tick
     * with the host clock, exact with --icount) so timer interrupts are not late by a slice */
    if (m->clint.mtimecmp != ~0ULL && !(m->mip & MIP_MTIP)) {
      uint64_t now = machine_mtime(m);
      uint64_t ticks = m->clint.mtimecmp > now ? m->clint.mtimecmp - now : 0;
      uint64_t est = m->icount ? ticks * 10 : ticks * 20;
      if (est < budget) budget = est < 1000 ? 1000 : est;
    }
    if (cfg->max_insns) {
      if (m->instret >= cfg->max_insns) {
        console_flush(m);
        fprintf(stderr, "c2w-machine: stopped after %llu instructions (--max-insns)\n", (unsigned long long)m->instret);
        return 3;
      }
      if (cfg->max_insns - m->instret < budget) budget = cfg->max_insns - m->instret;
    }
    if (m->net) virtio_net_poll(m, m->net);
    if (m->jit) cpu_run_jit(m, budget);
    else cpu_run(m, budget);
    if (m->outlen) console_flush(m);
  }
  console_flush(m);
  return m->exit_code;
}
