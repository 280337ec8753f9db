/* apic: external interrupts from the local APIC: its registers after reset, the timer in one-shot
 * and periodic mode waking HLT, EOI and the in-service register, an interrupt held while IF=0
 * and taken one instruction after STI (the interrupt shadow), TPR masking, a self IPI through the
 * ICR, and the current count. Only orderings and counts are printed: timer rates differ. */
#include "bare.h"

#define APIC 0xfee00000ULL
#define REG(off) (*(volatile u32 *)(APIC + (off)))
static u64 pd3[512] __attribute__((aligned(4096))); /* 3..4 GiB: the APIC page, uncached */
static volatile u64 ticks, last_vector, shadow_flag, flag_at_irq, order[8], norder;

static int hook(struct frame *f) {
  if (f->vector < 32) return 0;
  ticks++;
  last_vector = f->vector;
  flag_at_irq = shadow_flag;
  if (norder < 8) order[norder++] = f->vector;
  REG(0xb0) = 0; /* EOI */
  return 1;
}

static u32 isr_bit(int v) { return (REG(0x100 + (v / 32) * 16) >> (v % 32)) & 1; }
static u32 irr_bit(int v) { return (REG(0x200 + (v / 32) * 16) >> (v % 32)) & 1; }

void main(u32 start_info) {
  (void)start_info;
  setup_tables();
  trap_hook = hook;
  pdpt[3] = (u64)pd3 | 3;
  pd3[(APIC >> 21) & 511] = (APIC & ~0x1fffffULL) | 0x83 | 0x10; /* 2 MiB, PCD */
  write_cr3(read_cr3());
  puts_("apic\n");
  kv("apicbase", rdmsr(0x1b)); kv("id", REG(0x20) >> 24); kv("lvt_timer", REG(0x320)); kv("svr", REG(0xf0));
  kv("integrated", (REG(0x30) & 0xff) >= 0x10); nl();
  REG(0xf0) = 0x1ff; /* software enable, spurious vector 0xff */
  REG(0x3e0) = 0xb;  /* divide by 1 */
  /* one-shot: HLT wakes on the timer; the handler ends it with EOI */
  REG(0x320) = 0x40;
  REG(0x380) = 20000;
  __asm__ volatile("sti; hlt; cli" ::: "memory");
  kv("oneshot.ticks", ticks); kv("vector", last_vector); kv("isr_after_eoi", isr_bit(0x40));
  kv("count_after", REG(0x390)); nl();
  /* periodic: three wake-ups */
  ticks = 0;
  REG(0x320) = 0x41 | (1 << 17);
  REG(0x380) = 2000000; /* long enough (2 ms on qemu) that no tick lands while one is handled */
  for (int i = 0; i < 3; i++) __asm__ volatile("sti; hlt; cli" ::: "memory");
  REG(0x320) = 0x41 | (1 << 16); /* masked */
  REG(0x380) = 0;
  kv("periodic.ticks", ticks); kv("vector", last_vector); nl();
  /* hw: TSC-deadline mode (qemu's TCG does not have it): the timer fires when the TSC passes
   * IA32_TSC_DEADLINE, which then reads 0 (SDM vol. 3 11.5.4.1) */
  u32 ca, cb, cc, cd;
  cpuid(1, &ca, &cb, &cc, &cd);
  puts_("hw: "); kv("tsc_deadline", (cc >> 24) & 1);
  if (!((cc >> 24) & 1)) { nl(); goto held; }
  ticks = 0;
  REG(0x320) = 0x43 | (2 << 17);
  u64 t0 = rdmsr(0x10);
  wrmsr(0x6e0, t0 + 200000);
  __asm__ volatile("sti; hlt; cli" ::: "memory");
  kv("deadline.ticks", ticks); kv("vector", last_vector); kv("msr_after", rdmsr(0x6e0)); kv("tsc_past", rdmsr(0x10) >= t0 + 200000);
  REG(0x320) = 0x43 | (1 << 16); nl();
held:
  /* held while IF=0: pending in IRR, then taken after the instruction following STI */
  ticks = 0;
  REG(0x320) = 0x42;
  REG(0x380) = 100;
  for (volatile int i = 0; i < 100000 && !irr_bit(0x42); i++) {}
  kv("held.irr", irr_bit(0x42)); kv("held.ticks", ticks);
  shadow_flag = 0;
  __asm__ volatile("sti; movq $1, shadow_flag(%%rip); cli" ::: "memory");
  kv("after_sti.ticks", ticks); kv("flag_at_irq", flag_at_irq); nl();
  /* TPR: class 5 and above only; a class-4 self IPI waits until TPR drops */
  norder = 0;
  REG(0x80) = 0x50;
  REG(0x300) = (1 << 18) | 0x45;
  REG(0x300) = (1 << 18) | 0x61;
  __asm__ volatile("sti; nop; nop; cli" ::: "memory");
  kv("tpr.taken", norder); kv("first", order[0]); kv("irr45", irr_bit(0x45));
  REG(0x80) = 0;
  __asm__ volatile("sti; nop; nop; cli" ::: "memory");
  kv("after_tpr0.taken", norder); kv("second", order[1]); nl();
  /* priority: two pending vectors are taken highest first */
  norder = 0;
  REG(0x300) = (1 << 18) | 0x50;
  REG(0x300) = (1 << 18) | 0x70;
  __asm__ volatile("sti; nop; nop; cli" ::: "memory");
  kv("order0", order[0]); kv("order1", order[1]); nl();
  exit_(0x13);
}
