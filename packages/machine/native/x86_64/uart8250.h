/* An 8250/16550A UART (National Semiconductor PC16550D datasheet) as COM1 at port 0x3f8: transmit
 * to a host stream, a 16-byte receive FIFO the board fills from host input, and the interrupt
 * sources RLS/RDA/THRE with IIR priorities, on an interrupt line (the I/O APIC's pin 4). The
 * receive interrupt is raised as soon as a byte is there (no trigger levels, no character
 * timeout: QEMU's timing of those differs anyway). Part of the microvm board. */
#ifndef C2W_X86_UART8250_H
#define C2W_X86_UART8250_H
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#define COM_FIFO 16

typedef struct X86Uart {
  FILE *out;
  uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
  bool thr_ipending;          /* THRE interrupt pending (cleared by reading IIR or writing THR) */
  uint8_t rx[COM_FIFO];
  unsigned rx_head, rx_count;
  void (*irq)(void *ctx, bool level);
  void *irq_ctx;
} X86Uart;

void com_reset(X86Uart *u, FILE *out, void (*irq)(void *ctx, bool level), void *irq_ctx);
uint8_t com_read(X86Uart *u, unsigned reg);
void com_write(X86Uart *u, unsigned reg, uint8_t v);
unsigned com_rx_space(const X86Uart *u);
void com_receive(X86Uart *u, const uint8_t *buf, unsigned n);

#endif
