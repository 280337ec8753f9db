/* I/O APIC (Intel 82093AA datasheet), memory-mapped at 0xfec00000: IOREGSEL/IOWIN, ID, version,
 * 24 redirection entries; edge and level triggered pins delivered as fixed interrupts to the one
 * local APIC (destinations are ignored), level pins held by remote IRR until the LAPIC's EOI.
 * Part of the microvm board. */
#ifndef C2W_X86_IOAPIC_H
#define C2W_X86_IOAPIC_H
#include <stdint.h>
#include <stdbool.h>
#include "lapic.h"

#define IOAPIC_BASE 0xfec00000ULL
#define IOAPIC_SIZE 0x1000ULL
#define IOAPIC_PINS 24

typedef struct X86Ioapic {
  uint32_t sel, id;
  uint64_t redir[IOAPIC_PINS];
  uint32_t level;   /* the input lines' states, bit per pin */
  X86Lapic *lapic;
} X86Ioapic;

void ioapic_reset(X86Ioapic *io, X86Lapic *lapic);
uint32_t ioapic_read(X86Ioapic *io, uint32_t off);
void ioapic_write(X86Ioapic *io, uint32_t off, uint32_t v);
void ioapic_set_irq(X86Ioapic *io, int pin, bool level); /* a device's line */
void ioapic_eoi(X86Ioapic *io, int vector);               /* the LAPIC finished a vector */

#endif
