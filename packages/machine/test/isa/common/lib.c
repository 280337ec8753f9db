/* Console, exit and trap handling for the bare-metal ISA tests. */
#include <stdarg.h>
#include "test.h"

#define UART_THR (UART_BASE + 0)
#define UART_LSR (UART_BASE + 5)

void putch(char c)
{
  if (c == '\n') putch('\r');
  while (!(*(volatile uint8_t *)UART_LSR & 0x20)) {}
  *(volatile uint8_t *)UART_THR = (uint8_t)c;
}

void puts_(const char *s) { while (*s) putch(*s++); }

void puthex(u64 v)
{
  puts_("0x");
  for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

void putdec(u64 v)
{
  char b[24]; int n = 0;
  do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putch(b[--n]);
}

void printf_(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') { putch(*fmt); continue; }
    fmt++;
    if (*fmt == 'l') fmt++;
    switch (*fmt) {
    case 's': puts_(va_arg(ap, const char *)); break;
    case 'c': putch((char)va_arg(ap, int)); break;
    case 'd': { i64 v = va_arg(ap, i64); if (v < 0) { putch('-'); v = -v; } putdec((u64)v); break; }
    case 'u': putdec(va_arg(ap, u64)); break;
    case 'x': puthex(va_arg(ap, u64)); break;
    case '%': putch('%'); break;
    default: putch('?'); break;
    }
  }
  va_end(ap);
}

void test_exit(u32 code)
{
  u32 v = code ? ((code << 16) | 0x3333) : 0x5555;
  for (;;) mmio_w32(TEST_BASE, v);
}

const char *test_name = TEST_NAME;
u32 check_no, first_fail, fail_count;
static const char *cur_section = "";
static int last_line;

void section(const char *s) { cur_section = s; }

int check_eq_(int line, const char *expr, u64 got, u64 want)
{
  check_no++;
  last_line = line;
  if (got == want) return 1;
  fail_count++;
  if (!first_fail) first_fail = check_no;
  if (fail_count == 41) puts_("(further failures are not printed)\n");
  if (fail_count > 40) return 0;
  printf_("FAIL %s test %u (line %d, %s): %s = %x, want %x\n", test_name, (u64)check_no,
          (i64)line, cur_section, expr, got, want);
  return 0;
}

void finish(int main_rc)
{
  if (main_rc && !first_fail) first_fail = (u32)main_rc;
  if (first_fail) {
    printf_("FAIL %s: %u of %u checks failed, first failing test %u\n", test_name,
            (u64)fail_count, (u64)check_no, (u64)first_fail);
    test_exit(first_fail);
  }
  printf_("PASS %s (%u checks)\n", test_name, (u64)check_no);
  test_exit(0);
}

/* ---- traps ---- */
volatile int trap_expect;
volatile u64 trap_count, trap_cause, trap_epc, trap_tval, trap_status, trap_resume;
volatile int trap_mode;
int (*volatile mtrap_hook)(struct trapframe *f);
int (*volatile strap_hook)(struct trapframe *f);

void expect_trap(void)
{
  trap_cause = trap_epc = trap_tval = trap_status = ~0ULL;
  trap_count = 0;
  trap_expect = 1;
}

u64 insn_len_at(u64 pc)
{
  uint16_t h = *(volatile uint16_t *)pc;
  return (h & 3) == 3 ? 4 : 2;
}

static void unexpected(const char *who, struct trapframe *f)
{
  printf_("FAIL %s: unexpected %s trap cause=%x epc=%x tval=%x (after test %u at line %d, %s)\n",
          test_name, who, f->cause, f->epc, f->tval, (u64)check_no, (i64)last_line, cur_section);
  test_exit(check_no + 1 > 0xffff ? 0xffff : check_no + 1);
}

/* Length of the instruction at a trapping pc. The pc is virtual when the trap came from S/U
   with paging on: the M handler then reads it with MPRV (MPP holds the trapping mode), the
   S handler with SUM set. */
static u64 trapped_insn_len(struct trapframe *f, int mode)
{
  uint16_t h;
  if (mode == PRV_M) {
    if (((f->status >> 11) & 3) != PRV_M && (csr_read(satp) >> 60)) {
      asm volatile("csrs mstatus, %1\n\tlhu %0, 0(%2)\n\tcsrc mstatus, %1"
                   : "=&r"(h) : "r"((u64)MSTATUS_MPRV), "r"(f->epc) : "memory");
      return (h & 3) == 3 ? 4 : 2;
    }
  } else if (csr_read(satp) >> 60) {
    u64 old;
    asm volatile("csrrs %1, sstatus, %2\n\tlhu %0, 0(%3)\n\tcsrw sstatus, %1"
                 : "=&r"(h), "=&r"(old) : "r"((u64)MSTATUS_SUM), "r"(f->epc) : "memory");
    return (h & 3) == 3 ? 4 : 2;
  }
  return insn_len_at(f->epc);
}

static int default_trap(struct trapframe *f, int mode)
{
  if (trap_expect <= 0) return 0;
  trap_expect--;
  trap_count++;
  trap_cause = f->cause;
  trap_epc = f->epc;
  trap_tval = f->tval;
  trap_status = f->status;
  trap_mode = mode;
  if (trap_resume) { f->epc = trap_resume; trap_resume = 0; }
  else if (f->cause & CAUSE_INTERRUPT) {}
  else if (f->cause == CAUSE_FETCH_ACCESS || f->cause == CAUSE_FETCH_PAGE_FAULT ||
           f->cause == CAUSE_MISALIGNED_FETCH) f->epc = f->x[1];   /* back to the caller (ra) */
  else f->epc += trapped_insn_len(f, mode);
  return 1;
}

void mtrap_handler(struct trapframe *f)
{
  if (mtrap_hook && mtrap_hook(f)) return;
  if ((f->cause == CAUSE_USER_ECALL || f->cause == CAUSE_SUPERVISOR_ECALL) &&
      f->x[17] == EXIT_MAGIC)
    resume_m(f->x[10]);
  if (default_trap(f, PRV_M)) return;
  unexpected("M-mode", f);
}

void strap_handler(struct trapframe *f)
{
  if (strap_hook && strap_hook(f)) return;
  if (f->cause == CAUSE_USER_ECALL && f->x[17] == EXIT_MAGIC) {
    /* forward the exit to M-mode */
    register u64 a0 asm("a0") = f->x[10];
    register u64 a7 asm("a7") = EXIT_MAGIC;
    asm volatile("ecall" :: "r"(a0), "r"(a7));
  }
  if (default_trap(f, PRV_S)) return;
  unexpected("S-mode", f);
}

void pmp_allow_all(void)
{
  /* pmpaddr0 = all ones with NAPOT: covers the whole address space, RWX */
  csr_write(pmpaddr0, ~0ULL >> 10);
  csr_write(pmpcfg0, 0x1f);
}

void *memset(void *d, int c, size_t n)
{
  volatile unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
  volatile unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}
