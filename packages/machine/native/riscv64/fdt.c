/* Flattened device tree generator (Devicetree Specification v0.4, chapter 5: DTB format).
 * Produces the same nodes as QEMU 7.2's riscv virt machine for our devices (see
 * shared/reference/riscv64/virt-*.dts), generated from the machine configuration, but only the
 * virtio-mmio slots that hold a device, and each node's "compatible" first (see fdt_build). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "machine.h"

typedef struct Fdt {
  uint8_t *s; int slen, scap; /* structure block */
  char str[2048]; int strlen_;
  bool overflow;
} Fdt;

static void put32(Fdt *f, uint32_t v) {
  if (f->slen + 4 > f->scap) { f->overflow = true; return; }
  uint8_t *p = f->s + f->slen;
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
  f->slen += 4;
}
static void putbytes(Fdt *f, const void *d, int n) {
  if (f->slen + ((n + 3) & ~3) > f->scap) { f->overflow = true; return; }
  memcpy(f->s + f->slen, d, n);
  memset(f->s + f->slen + n, 0, ((n + 3) & ~3) - n);
  f->slen += (n + 3) & ~3;
}
static int stroff(Fdt *f, const char *name) {
  for (int i = 0; i < f->strlen_;) {
    if (!strcmp(f->str + i, name)) return i;
    i += (int)strlen(f->str + i) + 1;
  }
  int n = (int)strlen(name) + 1;
  if (f->strlen_ + n > (int)sizeof f->str) { f->overflow = true; return 0; }
  memcpy(f->str + f->strlen_, name, n);
  f->strlen_ += n;
  return f->strlen_ - n;
}
static void begin(Fdt *f, const char *name) { put32(f, 1); putbytes(f, name, (int)strlen(name) + 1); }
static void end(Fdt *f) { put32(f, 2); }
static void prop(Fdt *f, const char *name, const void *d, int n) {
  put32(f, 3); put32(f, (uint32_t)n); put32(f, (uint32_t)stroff(f, name)); putbytes(f, d, n);
}
static void prop_str(Fdt *f, const char *name, const char *v) { prop(f, name, v, (int)strlen(v) + 1); }
static void prop_cells(Fdt *f, const char *name, const uint32_t *c, int n) {
  uint8_t b[64];
  for (int i = 0; i < n; i++) { b[4*i] = c[i] >> 24; b[4*i+1] = c[i] >> 16; b[4*i+2] = c[i] >> 8; b[4*i+3] = c[i]; }
  prop(f, name, b, 4 * n);
}
static void prop_u32(Fdt *f, const char *name, uint32_t v) { prop_cells(f, name, &v, 1); }
static void prop_reg(Fdt *f, uint64_t base, uint64_t size) {
  uint32_t c[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size};
  prop_cells(f, "reg", c, 4);
}

static void wr_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

/* Every node's "compatible" comes first, and a virtio-mmio slot no device uses has no node (but in
 * a snapshot boot, whose run binds devices later): OpenSBI
 * reads "compatible" for each node and each entry of its drivers' match tables, and walks the
 * properties before it to find it. Both cut the boot's firmware work by 3.4 M instructions of
 * 97 M on `echo hello` (docs/decisions/0067). */
int fdt_build(Machine *m, uint8_t *buf, int bufsize, uint64_t initrd_start, uint64_t initrd_end,
              const char *bootargs) {
  enum { HDR = 40, RSV = 16 };
  Fdt f;
  memset(&f, 0, sizeof f);
  f.s = buf + HDR + RSV;
  f.scap = bufsize - HDR - RSV - (int)sizeof f.str;
  if (f.scap < 256) return -1;
  char nm[64];

  begin(&f, "");
  prop_str(&f, "compatible", "riscv-virtio");
  prop_u32(&f, "#address-cells", 2);
  prop_u32(&f, "#size-cells", 2);
  prop_str(&f, "model", "riscv-virtio,qemu");

  begin(&f, "chosen");
  if (initrd_end > initrd_start) {
    if (initrd_end >> 32) {
      uint32_t s[2] = {(uint32_t)(initrd_start >> 32), (uint32_t)initrd_start};
      uint32_t e[2] = {(uint32_t)(initrd_end >> 32), (uint32_t)initrd_end};
      prop_cells(&f, "linux,initrd-end", e, 2);
      prop_cells(&f, "linux,initrd-start", s, 2);
    } else {
      prop_u32(&f, "linux,initrd-end", (uint32_t)initrd_end);
      prop_u32(&f, "linux,initrd-start", (uint32_t)initrd_start);
    }
  }
  if (bootargs) prop_str(&f, "bootargs", bootargs);
  prop_str(&f, "stdout-path", "/soc/serial@10000000");
  /* Seed for the kernel's RNG (as QEMU virt does): without it, getrandom() and /dev/urandom wait
   * seconds for jitter entropy on first use (python3 startup: +5 s). Credited by the kernel with
   * random.trust_bootloader=on. Fixed bytes with --icount, where runs must repeat exactly. None in
   * a snapshot boot: its crng must stay unseeded until the run's virtio-rng bytes (ADR 0041). */
  uint8_t seed[64];
  if (m->icount || getentropy(seed, sizeof seed) != 0) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < (int)sizeof seed; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; seed[i] = (uint8_t)x; }
  }
  if (!m->cfg || !m->cfg->snapshot_boot) prop(&f, "rng-seed", seed, (int)sizeof seed);
  end(&f);

  begin(&f, "poweroff");
  prop_str(&f, "compatible", "syscon-poweroff");
  prop_u32(&f, "value", 0x5555); prop_u32(&f, "offset", 0); prop_u32(&f, "regmap", 4);
  end(&f);
  begin(&f, "reboot");
  prop_str(&f, "compatible", "syscon-reboot");
  prop_u32(&f, "value", 0x7777); prop_u32(&f, "offset", 0); prop_u32(&f, "regmap", 4);
  end(&f);

  begin(&f, "memory@80000000");
  prop_str(&f, "device_type", "memory");
  prop_reg(&f, RAM_BASE, m->ram_size);
  end(&f);

  begin(&f, "cpus");
  prop_u32(&f, "#address-cells", 1);
  prop_u32(&f, "#size-cells", 0);
  prop_u32(&f, "timebase-frequency", (uint32_t)TIMEBASE_HZ);
  begin(&f, "cpu@0");
  prop_str(&f, "compatible", "riscv");
  prop_u32(&f, "phandle", 1);
  prop_str(&f, "device_type", "cpu");
  prop_u32(&f, "reg", 0);
  prop_str(&f, "status", "okay");
  prop_str(&f, "riscv,isa", "rv64imafdc_zicsr_zifencei");
  prop_str(&f, "mmu-type", "riscv,sv39");
  begin(&f, "interrupt-controller");
  prop_str(&f, "compatible", "riscv,cpu-intc");
  prop_u32(&f, "#interrupt-cells", 1);
  prop(&f, "interrupt-controller", NULL, 0);
  prop_u32(&f, "phandle", 2);
  end(&f);
  end(&f);
  begin(&f, "cpu-map"); begin(&f, "cluster0"); begin(&f, "core0");
  prop_u32(&f, "cpu", 1);
  end(&f); end(&f); end(&f);
  end(&f);

  begin(&f, "soc");
  prop_str(&f, "compatible", "simple-bus");
  prop_u32(&f, "#address-cells", 2);
  prop_u32(&f, "#size-cells", 2);
  prop(&f, "ranges", NULL, 0);

  begin(&f, "serial@10000000");
  prop_str(&f, "compatible", "ns16550a");
  prop_u32(&f, "interrupts", UART_IRQ);
  prop_u32(&f, "interrupt-parent", 3);
  prop_u32(&f, "clock-frequency", 0x384000);
  prop_reg(&f, UART_BASE, UART_SIZE);
  end(&f);

  begin(&f, "test@100000");
  prop(&f, "compatible", "sifive,test1\0sifive,test0\0syscon", (int)sizeof("sifive,test1\0sifive,test0\0syscon"));
  prop_u32(&f, "phandle", 4);
  prop_reg(&f, TEST_BASE, TEST_SIZE);
  end(&f);

  for (int i = VIRTIO_SLOTS - 1; i >= 0; i--) {
    uint64_t base = VIRTIO_BASE + VIRTIO_STRIDE * (uint64_t)i;
    /* a snapshot boot keeps them all: the entropy device takes a free slot after this (snapshot.c) */
    if (!m->virtio[i].device_id && !(m->cfg && m->cfg->snapshot_boot)) continue;
    snprintf(nm, sizeof nm, "virtio_mmio@%llx", (unsigned long long)base);
    begin(&f, nm);
    prop_str(&f, "compatible", "virtio,mmio");
    prop_u32(&f, "interrupts", (uint32_t)i + 1);
    prop_u32(&f, "interrupt-parent", 3);
    prop_reg(&f, base, VIRTIO_STRIDE);
    end(&f);
  }

  begin(&f, "plic@c000000");
  prop(&f, "compatible", "sifive,plic-1.0.0\0riscv,plic0", (int)sizeof("sifive,plic-1.0.0\0riscv,plic0"));
  prop_u32(&f, "phandle", 3);
  prop_u32(&f, "riscv,ndev", 0x60);
  prop_reg(&f, PLIC_BASE, PLIC_SIZE);
  { uint32_t c[4] = {2, 11, 2, 9}; prop_cells(&f, "interrupts-extended", c, 4); }
  prop(&f, "interrupt-controller", NULL, 0);
  prop_u32(&f, "#address-cells", 0);
  prop_u32(&f, "#interrupt-cells", 1);
  end(&f);

  begin(&f, "clint@2000000");
  prop(&f, "compatible", "sifive,clint0\0riscv,clint0", (int)sizeof("sifive,clint0\0riscv,clint0"));
  { uint32_t c[4] = {2, 3, 2, 7}; prop_cells(&f, "interrupts-extended", c, 4); }
  prop_reg(&f, CLINT_BASE, CLINT_SIZE);
  end(&f);

  end(&f); /* soc */
  end(&f); /* root */
  put32(&f, 9);
  if (f.overflow) return -1;

  int off_struct = HDR + RSV, off_str = off_struct + f.slen;
  int total = off_str + f.strlen_;
  if (total > bufsize) return -1;
  memmove(buf + off_str, f.str, f.strlen_);
  memset(buf, 0, HDR + RSV);
  wr_be32(buf + 0, 0xd00dfeed);
  wr_be32(buf + 4, (uint32_t)total);
  wr_be32(buf + 8, (uint32_t)off_struct);
  wr_be32(buf + 12, (uint32_t)off_str);
  wr_be32(buf + 16, HDR);
  wr_be32(buf + 20, 17);
  wr_be32(buf + 24, 16);
  wr_be32(buf + 28, 0);
  wr_be32(buf + 32, (uint32_t)f.strlen_);
  wr_be32(buf + 36, (uint32_t)f.slen);
  return total;
}
