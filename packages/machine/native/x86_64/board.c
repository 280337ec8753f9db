/* The bare board's devices on the CPU's bus: COM1 (uart8250.c), isa-debug-exit (QEMU
 * hw/misc/debugexit.c: a write of v ends the run with status (v << 1) | 1), the local APIC and
 * the I/O APIC behind MMIO and the interrupt line. Unclaimed ports and addresses read all ones. */
#include <time.h>
#include <unistd.h>
#include "board.h"

static uint32_t io_in(void *ctx, uint16_t port, int size) {
  X86Board *b = ctx;
  if (port >= COM1_BASE && port < COM1_BASE + 8) return com_read(&b->com1, port - COM1_BASE);
  if (port == 0x71) return rtc_read(&b->rtc, x86_board_now(b), X86_TSC_HZ);
  if (port == 0x70) return 0xff;
  return 0xffffffffu >> (32 - 8 * size);
}

static void io_out(void *ctx, uint16_t port, int size, uint32_t v) {
  X86Board *b = ctx;
  if (port >= COM1_BASE && port < COM1_BASE + 8) {
    com_write(&b->com1, port - COM1_BASE, (uint8_t)v);
    return;
  }
  if (port == 0x70) { rtc_write_index(&b->rtc, (uint8_t)v); return; }
  if (port == 0x71) { rtc_write(&b->rtc, (uint8_t)v); return; }
  if (port == DEBUG_EXIT_PORT) {
    b->exited = true;
    b->exit_status = (int)((v << 1) | 1);
    x86_request_stop(b->cpu);
  }
}

uint64_t x86_board_mmio_read(void *ctx, uint64_t pa, int size) {
  X86Board *b = ctx;
  if (pa - LAPIC_BASE < LAPIC_SIZE) return lapic_read(&b->lapic, (uint32_t)(pa - LAPIC_BASE) & ~3u, x86_board_now(b));
  if (pa - IOAPIC_BASE < IOAPIC_SIZE) return ioapic_read(&b->ioapic, (uint32_t)(pa - IOAPIC_BASE) & ~3u);
  return ~0ULL >> (64 - 8 * size);
}

void x86_board_mmio_write(void *ctx, uint64_t pa, int size, uint64_t v) {
  X86Board *b = ctx;
  if (pa - LAPIC_BASE < LAPIC_SIZE) {
    if (lapic_write(&b->lapic, (uint32_t)(pa - LAPIC_BASE) & ~3u, (uint32_t)v, x86_board_now(b))) {
      int eoi = lapic_last_eoi(&b->lapic);
      if (eoi >= 0) { ioapic_eoi(&b->ioapic, eoi); b->lapic.eoi_level_vector = -1; }
      x86_request_stop(b->cpu); /* an interrupt may be deliverable now: let x86_run look */
    }
  } else if (pa - IOAPIC_BASE < IOAPIC_SIZE) {
    ioapic_write(&b->ioapic, (uint32_t)(pa - IOAPIC_BASE) & ~3u, (uint32_t)v);
    x86_request_stop(b->cpu);
  }
}

static int intr(void *ctx) {
  X86Board *b = ctx;
  return lapic_ack(&b->lapic, x86_board_now(b));
}

static void com1_irq(void *ctx, bool level) {
  X86Board *b = ctx;
  ioapic_set_irq(&b->ioapic, COM1_IRQ, level);
  if (level) x86_request_stop(b->cpu); /* the interrupt may be deliverable after this instruction */
}

void x86_board_init(X86Board *b, X86Cpu *c, uint8_t *ram, uint64_t ram_size, FILE *in, FILE *out) {
  memset(b, 0, sizeof *b);
  b->cpu = c;
  b->ram = ram;
  b->ram_size = ram_size;
  b->in = in;
  c->mem = ram;
  c->mem_base = 0;
  c->mem_size = c->ram_size = ram_size;
  x86_code_init(c, ram_size); /* the caller checks c->code_gen */
  c->bus = (X86Bus){ .ctx = b, .io_in = io_in, .io_out = io_out, .mmio_read = x86_board_mmio_read, .mmio_write = x86_board_mmio_write, .intr = intr };
  c->has_apic = true;
  lapic_reset(&b->lapic);
  b->lapic.tsc_deadline = &c->tsc_deadline;
  ioapic_reset(&b->ioapic, &b->lapic);
  com_reset(&b->com1, out, com1_irq, b);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  rtc_reset(&b->rtc, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
}

bool x86_board_idle(X86Board *b) {
  X86Cpu *c = b->cpu;
  uint64_t now = x86_board_now(b);
  if (lapic_pending(&b->lapic, now)) return true;
  uint64_t deadline = lapic_next_deadline(&b->lapic);
  if (deadline) {
    if (deadline > now) c->tsc_offset += deadline - now;
    return true;
  }
  /* nothing else can happen: wait for host input (a blocking read, native and WASI alike) */
  if (b->in && (b->com1.ier & 1) && com_rx_space(&b->com1)) {
    uint8_t buf[COM_FIFO];
    fflush(b->com1.out);
    ssize_t n = read(fileno(b->in), buf, com_rx_space(&b->com1));
    if (n <= 0) { b->in = NULL; return false; }
    com_receive(&b->com1, buf, (unsigned)n);
    return true;
  }
  return false;
}
