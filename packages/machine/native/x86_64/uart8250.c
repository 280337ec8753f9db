/* 8250/16550A registers and interrupt identification (PC16550D datasheet tables 2-4); see
 * uart8250.h. */
#include <string.h>
#include "uart8250.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define IER_RDI 1
#define IER_THRI 2
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80

static uint8_t iir(const X86Uart *u) {
  uint8_t fifo = (u->fcr & 1) ? 0xc0 : 0;
  if ((u->ier & IER_RDI) && u->rx_count) return fifo | 0x04;
  if ((u->ier & IER_THRI) && u->thr_ipending) return fifo | 0x02;
  return fifo | 0x01;
}

static void update_irq(X86Uart *u) {
  if (u->irq) u->irq(u->irq_ctx, !(iir(u) & 1));
}

void com_reset(X86Uart *u, FILE *out, void (*irq)(void *ctx, bool level), void *irq_ctx) {
  memset(u, 0, sizeof *u);
  u->out = out;
  u->irq = irq;
  u->irq_ctx = irq_ctx;
}

unsigned com_rx_space(const X86Uart *u) { return COM_FIFO - u->rx_count; }

void com_receive(X86Uart *u, const uint8_t *buf, unsigned n) {
  for (unsigned i = 0; i < n && u->rx_count < COM_FIFO; i++)
    u->rx[(u->rx_head + u->rx_count++) % COM_FIFO] = buf[i];
  update_irq(u);
}

uint8_t com_read(X86Uart *u, unsigned reg) {
  bool dlab = u->lcr & LCR_DLAB;
  uint8_t v;
  switch (reg) {
  case RBR_THR:
    if (dlab) return u->dll;
    if (!u->rx_count) return 0;
    v = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % COM_FIFO;
    u->rx_count--;
    update_irq(u);
    return v;
  case IER: return dlab ? u->dlm : u->ier;
  case IIR_FCR:
    v = iir(u);
    if ((v & 0x0f) == 0x02) { u->thr_ipending = false; update_irq(u); } /* reading IIR clears THRE */
    return v;
  case LCR: return u->lcr;
  case MCR: return u->mcr;
  case LSR: return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0); /* transmits at once */
  case MSR: return 0xb0; /* CTS DSR DCD: a connected line */
  default: return u->scr;
  }
}

void com_write(X86Uart *u, unsigned reg, uint8_t v) {
  bool dlab = u->lcr & LCR_DLAB;
  switch (reg) {
  case RBR_THR:
    if (dlab) { u->dll = v; return; }
    fputc(v, u->out);
    u->thr_ipending = true; /* transmitted at once: the holding register is empty again */
    break;
  case IER:
    if (dlab) { u->dlm = v; return; }
    if ((v & IER_THRI) && !(u->ier & IER_THRI)) u->thr_ipending = true;
    u->ier = v & 0x0f;
    break;
  case IIR_FCR:
    u->fcr = v & 0xc9;
    if (v & 2) u->rx_count = 0;
    break;
  case LCR: u->lcr = v; return;
  case MCR: u->mcr = v & 0x1f; return;
  case SCR: u->scr = v; return;
  default: return;
  }
  update_irq(u);
}
