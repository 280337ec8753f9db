/* Physical address bus of the QEMU-virt-compatible board (DESIGN.md section 2):
 * MROM, sifive_test, CLINT, PLIC, ns16550a, virtio-mmio slots and RAM.
 * Unmapped addresses raise access faults (RISC-V privileged spec 3.6 PMAs). */
#include <string.h>
#include "machine.h"

static inline uint64_t rd_le(const uint8_t *p, int size) {
  switch (size) {
  case 1: return p[0];
  case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
  case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
  default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}
static inline void wr_le(uint8_t *p, int size, uint64_t v) {
  switch (size) {
  case 1: p[0] = (uint8_t)v; break;
  case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
  case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
  default: memcpy(p, &v, 8); break;
  }
}

uint8_t *bus_ram_ptr(Machine *m, uint64_t pa, uint64_t len) {
  if (pa >= RAM_BASE && pa - RAM_BASE < m->ram_size && len <= m->ram_size - (pa - RAM_BASE))
    return m->ram + (pa - RAM_BASE);
  return NULL;
}

void dcache_invalidate_page(Machine *m, uint64_t ppn) {
  uint64_t *tag = &m->dcache_ppn[ppn & (DC_PAGES - 1)];
  if (*tag == ppn) *tag = ~0ULL;
  uint64_t idx = ppn - (RAM_BASE >> PAGE_SHIFT);
  if (idx < (m->ram_size >> PAGE_SHIFT)) m->code_page[idx] = 0;
  m->exit_slice = true; /* the running slice may hold a pointer to this page */
}

void ram_written(Machine *m, uint64_t pa, uint64_t len) {
  if (len == 0) return;
  uint64_t first = pa >> PAGE_SHIFT, last = (pa + len - 1) >> PAGE_SHIFT;
  for (uint64_t p = first; p <= last; p++) {
    uint64_t idx = p - (RAM_BASE >> PAGE_SHIFT);
    if (idx < (m->ram_size >> PAGE_SHIFT) && (m->code_page[idx] & CODE_DECODED)) dcache_invalidate_page(m, p);
  }
}

int bus_load(Machine *m, uint64_t pa, int size, uint64_t *val) {
  uint8_t *p = bus_ram_ptr(m, pa, size);
  if (p) { *val = rd_le(p, size); return 0; }
  if (pa >= MROM_BASE && pa + size <= MROM_BASE + MROM_SIZE) {
    *val = rd_le(m->mrom + (pa - MROM_BASE), size);
    return 0;
  }
  if (pa >= CLINT_BASE && pa < CLINT_BASE + CLINT_SIZE) {
    *val = clint_read(m, pa - CLINT_BASE, size);
    return 0;
  }
  if (pa >= PLIC_BASE && pa < PLIC_BASE + PLIC_SIZE) {
    uint64_t off = pa - PLIC_BASE;
    uint64_t v = plic_read(m, off & ~3ULL);
    if (size == 8) v |= (uint64_t)plic_read(m, (off & ~3ULL) + 4) << 32;
    *val = v;
    return 0;
  }
  if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
    *val = uart_read(m, pa - UART_BASE);
    return 0;
  }
  if (pa >= VIRTIO_BASE && pa < VIRTIO_BASE + VIRTIO_SLOTS * VIRTIO_STRIDE) {
    uint64_t off = pa - VIRTIO_BASE;
    *val = virtio_read(m, (int)(off / VIRTIO_STRIDE), off % VIRTIO_STRIDE, size);
    return 0;
  }
  if (pa >= TEST_BASE && pa < TEST_BASE + TEST_SIZE) { *val = 0; return 0; }
  return EXC_LOAD_ACCESS;
}

int bus_store(Machine *m, uint64_t pa, int size, uint64_t val) {
  uint8_t *p = bus_ram_ptr(m, pa, size);
  if (p) {
    uint64_t idx = (pa - RAM_BASE) >> PAGE_SHIFT;
    if (m->code_page[idx] & CODE_DECODED) dcache_invalidate_page(m, pa >> PAGE_SHIFT);
    if (((pa + size - 1) >> PAGE_SHIFT) != (pa >> PAGE_SHIFT) && idx + 1 < (m->ram_size >> PAGE_SHIFT) &&
        (m->code_page[idx + 1] & CODE_DECODED))
      dcache_invalidate_page(m, (pa >> PAGE_SHIFT) + 1);
    wr_le(p, size, val);
    return 0;
  }
  if (pa >= CLINT_BASE && pa < CLINT_BASE + CLINT_SIZE) {
    clint_write(m, pa - CLINT_BASE, size, val);
    m->exit_slice = true;
    return 0;
  }
  if (pa >= PLIC_BASE && pa < PLIC_BASE + PLIC_SIZE) {
    uint64_t off = (pa - PLIC_BASE) & ~3ULL;
    plic_write(m, off, (uint32_t)val);
    if (size == 8) plic_write(m, off + 4, (uint32_t)(val >> 32));
    m->exit_slice = true;
    return 0;
  }
  if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) {
    uart_write(m, pa - UART_BASE, (uint8_t)val);
    return 0;
  }
  if (pa >= VIRTIO_BASE && pa < VIRTIO_BASE + VIRTIO_SLOTS * VIRTIO_STRIDE) {
    uint64_t off = pa - VIRTIO_BASE;
    virtio_write(m, (int)(off / VIRTIO_STRIDE), off % VIRTIO_STRIDE, size, val);
    m->exit_slice = true;
    return 0;
  }
  if (pa >= TEST_BASE && pa < TEST_BASE + TEST_SIZE) {
    syscon_write(m, pa - TEST_BASE, (uint32_t)val);
    return 0;
  }
  if (pa >= MROM_BASE && pa < MROM_BASE + MROM_SIZE) return 0; /* ROM: writes ignored */
  return EXC_STORE_ACCESS;
}
