/* SiFive CLINT (core-local interruptor) as on QEMU virt: msip at +0x0, mtimecmp at +0x4000,
 * mtime at +0xbff8, 10 MHz timebase (RISC-V privileged spec 3.2.1 machine timer registers).
 * Timebase: by default mtime follows the host monotonic clock (so `sleep 1` takes one second);
 * with --icount it follows retired instructions (10 guest instructions per tick = 100 MIPS nominal),
 * which makes runs reproducible. */
#include "machine.h"

uint64_t machine_mtime(Machine *m) {
  if (m->icount) return m->mtime_icount_base + m->instret / 10;
  return (host_now_ns() - m->time_base_ns) / (1000000000ULL / TIMEBASE_HZ);
}

void clint_update(Machine *m) {
  if (machine_mtime(m) >= m->clint.mtimecmp) m->mip |= MIP_MTIP;
  else m->mip &= ~MIP_MTIP;
  if (m->clint.msip & 1) m->mip |= MIP_MSIP;
  else m->mip &= ~MIP_MSIP;
}

uint64_t clint_read(Machine *m, uint64_t off, int size) {
  uint64_t v = 0;
  if (off < 4) v = m->clint.msip;
  else if (off >= 0x4000 && off < 0x4008) v = m->clint.mtimecmp >> ((off - 0x4000) * 8);
  else if (off >= 0xbff8 && off < 0xc000) v = machine_mtime(m) >> ((off - 0xbff8) * 8);
  if (size == 4) v = (uint32_t)v;
  return v;
}

void clint_write(Machine *m, uint64_t off, int size, uint64_t val) {
  if (off < 4) {
    m->clint.msip = val & 1;
  } else if (off >= 0x4000 && off < 0x4008) {
    if (size == 8) m->clint.mtimecmp = val;
    else if (off == 0x4000) m->clint.mtimecmp = (m->clint.mtimecmp & ~0xffffffffULL) | (uint32_t)val;
    else m->clint.mtimecmp = (m->clint.mtimecmp & 0xffffffffULL) | ((uint64_t)(uint32_t)val << 32);
  } else if (off >= 0xbff8 && off < 0xc000) {
    /* mtime writes: shift the timebase */
    uint64_t now = machine_mtime(m), nv;
    if (size == 8) nv = val;
    else if (off == 0xbff8) nv = (now & ~0xffffffffULL) | (uint32_t)val;
    else nv = (now & 0xffffffffULL) | ((uint64_t)(uint32_t)val << 32);
    if (m->icount) m->mtime_icount_base += nv - now;
    else m->time_base_ns -= (nv - now) * (1000000000ULL / TIMEBASE_HZ);
  }
  clint_update(m);
}
