/* ns16550a UART at 0x10000000, IRQ 10, register behaviour modelled on QEMU's hw/char/serial.c
 * (PC16550D datasheet): transmit completes instantly (THRE interrupt), 256-byte receive FIFO. */
#include "machine.h"

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static void uart_update_irq(Machine *m) {
  Uart *u = &m->uart;
  uint8_t iir = IIR_NO_INT;
  if ((u->ier & IER_RDI) && u->rx_count) iir = IIR_RDI;
  else if ((u->ier & IER_THRI) && u->thr_ipending) iir = IIR_THRI;
  u->iir = iir | ((u->fcr & 1) ? 0xc0 : 0);
  machine_set_irq(m, UART_IRQ, iir != IIR_NO_INT);
}

int uart_rx_space(Machine *m) { return UART_FIFO - (int)m->uart.rx_count; }

void uart_receive(Machine *m, const uint8_t *buf, int n) {
  Uart *u = &m->uart;
  for (int i = 0; i < n && u->rx_count < UART_FIFO; i++) {
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO] = buf[i];
    u->rx_count++;
  }
  uart_update_irq(m);
}

uint8_t uart_read(Machine *m, uint64_t off) {
  Uart *u = &m->uart;
  bool dlab = u->lcr & 0x80;
  switch (off & 7) {
  case 0:
    if (dlab) return u->dll;
    if (u->rx_count) {
      uint8_t c = u->rx[u->rx_head];
      u->rx_head = (u->rx_head + 1) % UART_FIFO;
      u->rx_count--;
      uart_update_irq(m);
      return c;
    }
    return 0;
  case 1: return dlab ? u->dlm : u->ier;
  case 2: {
    uint8_t r = u->iir;
    if ((r & 0x0f) == IIR_THRI) {
      u->thr_ipending = false;
      uart_update_irq(m);
    }
    return r;
  }
  case 3: return u->lcr;
  case 4: return u->mcr;
  case 5: return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
  case 6: return (u->mcr & 0x10) ? 0 : 0xb0; /* DCD DSR CTS */
  default: return u->scr;
  }
}

void uart_write(Machine *m, uint64_t off, uint8_t val) {
  Uart *u = &m->uart;
  bool dlab = u->lcr & 0x80;
  switch (off & 7) {
  case 0:
    if (dlab) { u->dll = val; break; }
    console_out(m, &val, 1);
    u->thr_ipending = true; /* transmitted at once: holding register empty again */
    uart_update_irq(m);
    break;
  case 1:
    if (dlab) { u->dlm = val; break; }
    {
      uint8_t changed = (u->ier ^ val) & 0x0f;
      u->ier = val & 0x0f;
      if (changed & IER_THRI) u->thr_ipending = (u->ier & IER_THRI) != 0;
      if (changed) uart_update_irq(m);
    }
    break;
  case 2:
    u->fcr = val & 0xc9;
    if (val & 2) { u->rx_count = 0; u->rx_head = 0; }
    uart_update_irq(m);
    break;
  case 3: u->lcr = val; break;
  case 4: u->mcr = val & 0x1f; break;
  case 7: u->scr = val; break;
  default: break;
  }
}
