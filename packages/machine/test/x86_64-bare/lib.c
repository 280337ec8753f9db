/* IDT, TSS and trap recording for the bare test programs (see bare.h). */
#include "bare.h"

static u64 idt[512] __attribute__((aligned(16)));
u64 tss[13] __attribute__((aligned(16)));
u8 ist1_stack[8192] __attribute__((aligned(16)));
u8 rsp0_stack[8192] __attribute__((aligned(16)));
volatile u64 last_vec, last_err, last_cr2, last_cs, last_ss, last_rsp, last_rip, traps, recover;
int (*trap_hook)(struct frame *f);
extern u8 isr_stubs[];

void set_gate(int v, int dpl, int ist, int trap_gate) {
  u64 off = (u64)(isr_stubs + 16 * v);
  idt[2 * v] = (off & 0xffff) | (0x08ULL << 16) | ((u64)ist << 32) | ((u64)(trap_gate ? 0xf : 0xe) << 40) |
               ((u64)dpl << 45) | (1ULL << 47) | ((off >> 16) << 48);
  idt[2 * v + 1] = off >> 32;
}

static void set_tss_u64(int off, u64 v) { __builtin_memcpy((u8 *)tss + off, &v, 8); }

void setup_tables(void) {
  for (int v = 0; v < 256; v++) set_gate(v, 0, 0, 0);
  struct { u16 limit; u64 base; } __attribute__((packed)) idtr = { sizeof idt - 1, (u64)idt };
  __asm__ volatile("lidt %0" : : "m"(idtr));
  set_tss_u64(4, (u64)(rsp0_stack + sizeof rsp0_stack));
  set_tss_u64(0x24, (u64)(ist1_stack + sizeof ist1_stack));
  u64 base = (u64)tss, limit = sizeof tss - 1;
  gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) | (((base >> 24) & 0xff) << 56);
  gdt[7] = base >> 32;
  __asm__ volatile("ltr %w0" : : "r"(0x30));
}

void trap(struct frame *f) {
  last_vec = f->vector; last_err = f->err; last_cs = f->cs; last_ss = f->ss; last_rsp = f->rsp; last_rip = f->rip;
  last_cr2 = f->vector == 14 ? read_cr2() : 0;
  traps++;
  if (trap_hook && trap_hook(f)) return;
  if (recover) { f->rip = recover; recover = 0; return; }
  puts_("unexpected trap "); kv("vec", f->vector); kv("err", f->err); kv("rip", f->rip); kv("cr2", last_cr2); nl();
  exit_(0x7f);
}

void report_trap(const char *what) {
  puts_(what); putc_(' ');
  kv("vec", last_vec); kv("err", last_err);
  if (last_vec == 14) kv("cr2", last_cr2);
  nl();
}

/* programs that use SYSCALL define their own */
__attribute__((weak)) void do_syscall(u64 *regs) { (void)regs; }

void idt_gate_present(int v, int present) {
  if (present) idt[2 * v] |= 1ULL << 47;
  else idt[2 * v] &= ~(1ULL << 47);
}
