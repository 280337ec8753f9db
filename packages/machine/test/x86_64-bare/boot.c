/* boot: what the PVH entry and Linux's head code rely on: the 32-bit part's results, the
 * hvm_start_info magic, CR0/CR4/EFER after entering long mode, segment selectors, GDTR/IDTR/TR,
 * control and debug registers, MSRs, CPUID bits both CPUs implement, port input. */
#include "bare.h"

static u16 sel(int which) {
  u16 v = 0;
  switch (which) {
  case 0: __asm__ volatile("mov %%cs, %0" : "=r"(v)); break;
  case 1: __asm__ volatile("mov %%ds, %0" : "=r"(v)); break;
  case 2: __asm__ volatile("mov %%ss, %0" : "=r"(v)); break;
  case 3: __asm__ volatile("mov %%fs, %0" : "=r"(v)); break;
  }
  return v;
}

void main(u32 start_info) {
  puts_("boot\n");
  kv("r32.edi", boot32_result[0]); kv("r32.esp_ok", boot32_result[1] != 0); nl();
  kv("start_info.magic", *(volatile u32 *)(u64)start_info); nl();
  kv("cr0", read_cr0() & 0x80010001); kv("cr4", read_cr4() & 0xa0); kv("efer", rdmsr(0xc0000080)); nl();
  kv("cs", sel(0)); kv("ds", sel(1)); kv("ss", sel(2)); kv("fs", sel(3)); nl();
  setup_tables();
  struct { u16 limit; u64 base; } __attribute__((packed)) g, i;
  __asm__ volatile("sgdt %0; sidt %1" : "=m"(g), "=m"(i));
  u16 tr;
  __asm__ volatile("str %0" : "=r"(tr));
  kv("gdt.limit", g.limit); kv("gdt.base_ok", g.base == (u64)gdt); kv("idt.limit", i.limit); kv("tr", tr);
  kv("tss.type", (gdt[6] >> 40) & 0xff); nl();
  /* control registers */
  /* (CR4 bits of features the CPU lacks, SMEP or OSXSAVE, clearing CR4.PAE or CR0.PG in 64-bit
   * mode raise #GP here; qemu-system-x86_64 7.2 loops on the first and runs on without paging on
   * the others, so they are not compared) */
  u64 cr3 = read_cr3();
  write_cr3(cr3);
  kv("cr3_ok", read_cr3() == cr3);
  __asm__ volatile("clts; wbinvd; invd" ::: "memory");
  kv("cr0.ts", (read_cr0() >> 3) & 1);
  u64 d6, d7, d0;
  __asm__ volatile("mov %%dr6, %0; mov %%dr7, %1" : "=r"(d6), "=r"(d7));
  __asm__ volatile("mov %1, %%dr0; mov %%dr0, %0" : "=r"(d0) : "r"(0x123456789abcULL));
  kv("dr6", d6); kv("dr7", d7); kv("dr0", d0); nl();
  u64 msw;
  __asm__ volatile("smsw %0" : "=r"(msw));
  kv("msw", msw & 0xf); nl();
  /* MSRs */
  wrmsr(0xc0000081, 0x0018000800000000ULL);
  wrmsr(0xc0000082, 0xffffffff81000000ULL);
  wrmsr(0xc0000084, 0x47700);
  wrmsr(0xc0000102, 0x1234000ULL);
  kv("star", rdmsr(0xc0000081)); kv("lstar", rdmsr(0xc0000082)); kv("fmask", rdmsr(0xc0000084));
  kv("kgs", rdmsr(0xc0000102)); nl();
  wrmsr(0xc0000100, 0x5000); wrmsr(0xc0000101, 0x6000);
  u64 fsv;
  __asm__ volatile("mov %%fs:0, %0" : "=r"(fsv));
  kv("fs_base", rdmsr(0xc0000100)); kv("gs_base", rdmsr(0xc0000101)); kv("fs:0", fsv == *(volatile u64 *)0x5000); nl();
  __asm__ volatile("swapgs");
  kv("swapgs.gs", rdmsr(0xc0000101)); kv("swapgs.kgs", rdmsr(0xc0000102));
  __asm__ volatile("swapgs");
  nl();
  kv("pat", rdmsr(0x277));
  u64 t1 = rdmsr(0x10), t2;
  __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax" : "=a"(t2) : : "rdx");
  kv("tsc_monotonic", t2 > t1); nl();
  /* hw: lines are SDM behaviour qemu-system-x86_64 does not model (its TCG ignores unknown and
   * invalid MSR accesses); the test checks them on our CPU only */
  last_vec = 0;
  TRY("rdmsr", : : "c"(0x12345678) : "rax", "rdx", "memory");
  report_trap("hw: rdmsr.unknown");
  TRY("wrmsr", : : "c"(0xc0000080), "a"(0xd01 | (1 << 1)), "d"(0) : "memory"); /* reserved EFER bit */
  report_trap("hw: wrmsr.efer_rsvd");
  TRY("wrmsr", : : "c"(0xc0000082), "a"(0), "d"(0x00008000) : "memory");       /* non-canonical LSTAR */
  report_trap("hw: wrmsr.lstar_noncanon");
  TRY("wrmsr", : : "c"(0x277), "a"(0x02), "d"(0) : "memory");                   /* reserved PAT type */
  report_trap("hw: wrmsr.pat_rsvd");
  /* CPUID: the bits this CPU advertises (with the board's APIC) */
  u32 a, b, c, d;
  cpuid(1, &a, &b, &c, &d);
  kv("cpuid1.edx", d & 0x0789a379); kv("cpuid1.ecx", c & 0x2000);
  cpuid(0x80000001, &a, &b, &c, &d);
  kv("cpuid81.edx", d & 0x24100800); kv("cpuid81.ecx", c & 1);
  cpuid(0x80000008, &a, &b, &c, &d);
  kv("cpuid88.eax", a & 0xffff); nl();
  /* hw: the TSC frequency leaves (0x15 crystal ratio, 0x16 MHz) Linux takes its TSC rate from;
   * qemu's qemu64 model stops at leaf 0xd */
  cpuid(0, &a, &b, &c, &d);
  puts_("hw: ");
  if (a >= 0x16) {
    u32 a15, b15, c15, d15;
    cpuid(0x15, &a15, &b15, &c15, &d15);
    cpuid(0x16, &a, &b, &c, &d);
    kv("tsc_leaves", a15 && (u64)c15 * b15 / a15 / 1000000 == a); kv("tsc_mhz", a);
  } else {
    kv("tsc_leaves", 0);
  }
  nl();
  kv("com1.lsr", inb(0x3fd) & 0x60); nl(); /* DR: qemu may have read the test's stdin already */
  /* the CMOS RTC: status registers, and BCD time fields in range (the time itself differs) */
  u8 ra, rb, rd, sec, min, hour, day, mon;
  outb(0x70, 0x0a); ra = inb(0x71) & 0x7f; /* UIP: whenever an update happens */
  outb(0x70, 0x0b); rb = inb(0x71);
  outb(0x70, 0x0d); rd = inb(0x71);
  outb(0x70, 0x00); sec = inb(0x71);
  outb(0x70, 0x02); min = inb(0x71);
  outb(0x70, 0x04); hour = inb(0x71);
  outb(0x70, 0x07); day = inb(0x71);
  outb(0x70, 0x08); mon = inb(0x71);
  kv("rtc.a", ra); kv("rtc.b", rb); kv("rtc.d", rd);
  kv("rtc.bcd_ok", sec < 0x60 && (sec & 15) < 10 && min < 0x60 && hour < 0x24 && day >= 1 && day <= 0x31 && mon >= 1 && mon <= 0x12);
  nl();
  exit_(0x10);
}
