/* The x86-64 bare board (c2w-x86-bare): flat RAM from physical 0, COM1 (uart8250.c) at port
 * 0x3f8 writing to stdout and receiving stdin, QEMU's isa-debug-exit at port 0xf4, the local APIC
 * (lapic.c) at 0xfee00000 with its timer, the I/O APIC (ioapic.c) at 0xfec00000 with COM1 on pin
 * 4, the CMOS RTC (rtc.c) at ports 0x70/0x71, and the PVH boot path (pvh.c). It is the seed of the microvm board (docs/decisions/0022):
 * devices hang off the CPU's X86Bus callbacks (port I/O, MMIO, the interrupt line). */
#ifndef C2W_X86_BOARD_H
#define C2W_X86_BOARD_H
#include <stdio.h>
#include "x86.h"
#include "lapic.h"
#include "ioapic.h"
#include "uart8250.h"
#include "rtc.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define DEBUG_EXIT_PORT 0xf4 /* -device isa-debug-exit,iobase=0xf4,iosize=4 */

typedef struct X86Board {
  X86Cpu *cpu;
  uint8_t *ram;
  uint64_t ram_size;
  bool exited;          /* isa-debug-exit was written */
  int exit_status;      /* (value << 1) | 1, as QEMU exits */
  X86Lapic lapic;
  X86Ioapic ioapic;
  X86Uart com1;
  X86Rtc rtc;
  FILE *in;             /* COM1's receive side; NULL once at its end */
} X86Board;

/* the board's clock: the CPU's time stamp counter (retired instructions, idle time skipped in HLT on
 * the bare board; the microvm board moves it up to the host clock, microvm_run.c) */
static inline uint64_t x86_board_now(const X86Board *b) { return b->cpu->instret + b->cpu->tsc_offset; }

/* board.c: wires the bus callbacks into the CPU; its MMIO (the APICs), for a board that adds devices */
uint64_t x86_board_mmio_read(void *ctx, uint64_t pa, int size);
void x86_board_mmio_write(void *ctx, uint64_t pa, int size, uint64_t v);
void x86_board_init(X86Board *b, X86Cpu *c, uint8_t *ram, uint64_t ram_size, FILE *in, FILE *out);
/* the CPU halted with interrupts on: skip the clock to the timer or wait for input; false when
 * nothing can wake it */
bool x86_board_idle(X86Board *b);
/* mptable.c: the MultiProcessor tables naming the APICs and the ISA interrupt routing */
void x86_mptable_write(X86Board *b);
/* pvh.c: loads an ELF with a XEN_ELFNOTE_PHYS32_ENTRY note and sets the CPU up for the PVH
 * entry (32-bit protected mode, paging off, EBX = hvm_start_info); 0 or a message in err */
int x86_pvh_load(X86Board *b, const char *path, const char *cmdline, const char *initrd, char *err, size_t errlen);

#endif
