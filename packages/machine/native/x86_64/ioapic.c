/* I/O APIC redirection (82093AA datasheet 3.2); see ioapic.h. */
#include <string.h>
#include "ioapic.h"

#define RED_MASKED (1ULL << 16)
#define RED_LEVEL (1ULL << 15)
#define RED_REMOTE_IRR (1ULL << 14)

void ioapic_reset(X86Ioapic *io, X86Lapic *lapic) {
  memset(io, 0, sizeof *io);
  for (int i = 0; i < IOAPIC_PINS; i++) io->redir[i] = RED_MASKED;
  io->lapic = lapic;
}

/* deliver pin's vector if it is unmasked, its line is high, and (level) not already in service */
static void service(X86Ioapic *io, int pin) {
  uint64_t r = io->redir[pin];
  if ((r & RED_MASKED) || !((io->level >> pin) & 1)) return;
  if (r & RED_LEVEL) {
    if (r & RED_REMOTE_IRR) return;
    io->redir[pin] |= RED_REMOTE_IRR;
    lapic_raise_level(io->lapic, (int)(r & 0xff));
  } else {
    lapic_raise(io->lapic, (int)(r & 0xff));
  }
}

void ioapic_set_irq(X86Ioapic *io, int pin, bool level) {
  if (pin < 0 || pin >= IOAPIC_PINS) return;
  bool was = (io->level >> pin) & 1;
  if (level) io->level |= 1u << pin;
  else io->level &= ~(1u << pin);
  if (level && (!was || (io->redir[pin] & RED_LEVEL))) service(io, pin); /* edge: rising only */
}

void ioapic_eoi(X86Ioapic *io, int vector) {
  for (int i = 0; i < IOAPIC_PINS; i++)
    if ((io->redir[i] & RED_LEVEL) && (io->redir[i] & 0xff) == (uint64_t)vector) {
      io->redir[i] &= ~RED_REMOTE_IRR;
      service(io, i); /* still asserted: again */
    }
}

uint32_t ioapic_read(X86Ioapic *io, uint32_t off) {
  if (off != 0x10) return off == 0 ? io->sel : 0;
  uint32_t r = io->sel & 0xff;
  if (r == 0) return io->id << 24;
  if (r == 1) return ((IOAPIC_PINS - 1) << 16) | 0x20; /* version 0x20, as QEMU's */
  if (r == 2) return 0;
  if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
    uint64_t e = io->redir[(r - 0x10) / 2];
    return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
  }
  return 0xffffffffu;
}

void ioapic_write(X86Ioapic *io, uint32_t off, uint32_t v) {
  if (off == 0) { io->sel = v & 0xff; return; }
  if (off == 0x40) { ioapic_eoi(io, (int)(v & 0xff)); return; }
  if (off != 0x10) return;
  uint32_t r = io->sel & 0xff;
  if (r == 0) { io->id = (v >> 24) & 0xf; return; }
  if (r < 0x10 || r >= 0x10 + 2 * IOAPIC_PINS) return;
  int pin = (int)(r - 0x10) / 2;
  uint64_t e = io->redir[pin];
  if (r & 1) e = (e & 0xffffffffULL) | ((uint64_t)v << 32);
  else e = (e & ~0xffffffffULL) | (v & ~(uint32_t)(RED_REMOTE_IRR | (1u << 12))) | (e & RED_REMOTE_IRR); /* both read-only */
  io->redir[pin] = e;
  service(io, pin);
}
