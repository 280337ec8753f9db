/* The bare board's devices on the CPU's bus: COM1 as an 8250 that only transmits (the line status
 * register always reads "transmitter empty"), isa-debug-exit (QEMU hw/misc/debugexit.c: a write
 * of v ends the run with status (v << 1) | 1), and the local APIC behind MMIO and the interrupt
 * line. Unclaimed ports and addresses read all ones. */
#include "board.h"

/* 8250 registers (offsets from COM1_BASE; DLAB = LCR bit 7 selects the divisor latch) */
enum { UART_THR = 0, UART_IER = 1, UART_IIR = 2, UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7 };
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static uint32_t io_in(void *ctx, uint16_t port, int size) {
  X86Board *b = ctx;
  if (port >= COM1_BASE && port < COM1_BASE + 8) {
    bool dlab = b->com1_lcr & 0x80;
    switch (port - COM1_BASE) {
    case UART_THR: return dlab ? b->com1_dll : 0; /* nothing is ever received */
    case UART_IER: return dlab ? b->com1_dlm : b->com1_ier;
    case UART_IIR: return 0x01;                   /* no interrupt pending */
    case UART_LCR: return b->com1_lcr;
    case UART_MCR: return b->com1_mcr;
    case UART_LSR: return LSR_THRE | LSR_TEMT;
    case UART_MSR: return 0xb0;                   /* CTS DSR DCD, as a connected line */
    default: return b->com1_scr;
    }
  }
  return 0xffffffffu >> (32 - 8 * size);
}

static void io_out(void *ctx, uint16_t port, int size, uint32_t v) {
  X86Board *b = ctx;
  if (port >= COM1_BASE && port < COM1_BASE + 8) {
    bool dlab = b->com1_lcr & 0x80;
    switch (port - COM1_BASE) {
    case UART_THR:
      if (dlab) b->com1_dll = (uint8_t)v;
      else fputc((int)(v & 0xff), b->out);
      break;
    case UART_IER: if (dlab) b->com1_dlm = (uint8_t)v; else b->com1_ier = v & 0x0f; break;
    case UART_LCR: b->com1_lcr = (uint8_t)v; break;
    case UART_MCR: b->com1_mcr = v & 0x1f; break;
    case UART_SCR: b->com1_scr = (uint8_t)v; break;
    default: break;
    }
    return;
  }
  if (port == DEBUG_EXIT_PORT) {
    b->exited = true;
    b->exit_status = (int)((v << 1) | 1);
    x86_request_stop(b->cpu);
  }
}

static uint64_t mmio_read(void *ctx, uint64_t pa, int size) {
  X86Board *b = ctx;
  if (pa - LAPIC_BASE < LAPIC_SIZE) return lapic_read(&b->lapic, (uint32_t)(pa - LAPIC_BASE) & ~3u, x86_board_now(b));
  return ~0ULL >> (64 - 8 * size);
}

static void mmio_write(void *ctx, uint64_t pa, int size, uint64_t v) {
  X86Board *b = ctx;
  if (pa - LAPIC_BASE < LAPIC_SIZE && lapic_write(&b->lapic, (uint32_t)(pa - LAPIC_BASE) & ~3u, (uint32_t)v, x86_board_now(b)))
    x86_request_stop(b->cpu); /* an interrupt may be deliverable now: let x86_run look */
}

static int intr(void *ctx) {
  X86Board *b = ctx;
  return lapic_ack(&b->lapic, x86_board_now(b));
}

void x86_board_init(X86Board *b, X86Cpu *c, uint8_t *ram, uint64_t ram_size, FILE *out) {
  memset(b, 0, sizeof *b);
  b->cpu = c;
  b->ram = ram;
  b->ram_size = ram_size;
  b->out = out;
  c->mem = ram;
  c->mem_base = 0;
  c->mem_size = c->ram_size = ram_size;
  c->bus = (X86Bus){ .ctx = b, .io_in = io_in, .io_out = io_out, .mmio_read = mmio_read, .mmio_write = mmio_write, .intr = intr };
  c->has_apic = true;
  lapic_reset(&b->lapic);
}
