/* The Intel MultiProcessor Specification 1.4 tables (ch. 4) that tell a kernel without ACPI where
 * the board's local APIC and I/O APIC are and how the ISA interrupts reach the I/O APIC: a
 * floating pointer at 0xf0000 (a range Linux scans), one processor, an ISA bus, the I/O APIC, ISA
 * IRQs 0-15 to its pins (IRQ 0 on pin 2, as on PCs), ExtINT on LINT0, NMI on LINT1. */
#include "board.h"

#define MPF_PA 0xf0000ULL
#define MPC_PA (MPF_PA + 16)
#define IOAPIC_ID 1

static void wr(uint8_t *p, int n, uint64_t v) { for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static uint8_t checksum(const uint8_t *p, unsigned n) {
  uint8_t s = 0;
  for (unsigned i = 0; i < n; i++) s = (uint8_t)(s + p[i]);
  return (uint8_t)-s;
}

void x86_mptable_write(X86Board *b) {
  if (b->ram_size < MPF_PA + 0x1000) return;
  uint8_t *mpc = b->ram + MPC_PA, *e = mpc + 44;
  unsigned count = 0;
  memset(b->ram + MPF_PA, 0, 0x1000);
  /* processor: LAPIC 0, version 0x14, enabled bootstrap processor, signature family 6 model 15 */
  e[0] = 0; e[1] = 0; e[2] = 0x14; e[3] = 3; wr(e + 4, 4, 0x6f1); wr(e + 8, 4, 0x0789a379);
  e += 20; count++;
  e[0] = 1; e[1] = 0; memcpy(e + 2, "ISA   ", 6); e += 8; count++;        /* bus 0: ISA */
  e[0] = 2; e[1] = IOAPIC_ID; e[2] = 0x20; e[3] = 1; wr(e + 4, 4, IOAPIC_BASE); e += 8; count++;
  for (int irq = 0; irq < 16; irq++) {                                     /* I/O interrupts */
    if (irq == 2) continue;
    e[0] = 3; e[1] = 0 /* INT */; wr(e + 2, 2, 0 /* conforming */); e[4] = 0; e[5] = (uint8_t)irq;
    e[6] = IOAPIC_ID; e[7] = (uint8_t)(irq == 0 ? 2 : irq);
    e += 8; count++;
  }
  for (int lint = 0; lint < 2; lint++) {                                   /* local interrupts */
    e[0] = 4; e[1] = lint == 0 ? 3 /* ExtINT */ : 1 /* NMI */; wr(e + 2, 2, 0); e[4] = 0; e[5] = 0;
    e[6] = 0xff /* every LAPIC */; e[7] = (uint8_t)lint;
    e += 8; count++;
  }
  unsigned len = (unsigned)(e - mpc);
  memcpy(mpc, "PCMP", 4); wr(mpc + 4, 2, len); mpc[6] = 4;
  memcpy(mpc + 8, "C2W     ", 8); memcpy(mpc + 16, "X86 BARE    ", 12);
  wr(mpc + 34, 2, count); wr(mpc + 36, 4, LAPIC_BASE);
  mpc[7] = checksum(mpc, len);
  uint8_t *mpf = b->ram + MPF_PA;
  memcpy(mpf, "_MP_", 4); wr(mpf + 4, 4, MPC_PA); mpf[8] = 1; mpf[9] = 4;
  mpf[10] = checksum(mpf, 16);
}
