/* rings: exceptions and interrupts through the 64-bit IDT and privilege changes: #DE #UD #BP #GP
 * with their error codes in ring 0; VERR/VERW/LAR/LSL; IRETQ to ring 3; from there SYSCALL/SYSRETQ (with SWAPGS),
 * INT 0x80 through a DPL-3 gate (stack switch to TSS.RSP0), INT to a DPL-0 gate, CLI and a
 * supervisor page (#GP, #PF with U set); #DF on IST1 when the #PF gate is not present; far
 * transfers and segment loads. */
#include "bare.h"

#define USER_PAGE_FLAGS 0x87ULL /* the first 2 MiB (this program) user-accessible */

static u8 user_stack[8192] __attribute__((aligned(16)));
static u8 syscall_stack[8192] __attribute__((aligned(16)));
static u64 percpu[2];
static volatile u64 u_cs, u_ss, u_sys_ret, u_int80, u_after;
static volatile u64 s_rcx, s_r11, s_cs, s_ss, s_rdi, s_gs, s_ret_ok;
static volatile u64 i80_cs, i80_ss, i80_onstack, i80_if, gp_err, gp_cs, cli_err, pf_err, pf_cr2, bp_rip;
static volatile u64 df_err, df_on_ist, q;
extern char user_ret_label[];

void do_syscall(u64 *regs) { /* regs: ss cs rdi rax rcx r11 */
  s_ss = regs[0]; s_cs = regs[1]; s_rdi = regs[2]; s_rcx = regs[4]; s_r11 = regs[5] & ~0xffULL;
  s_gs = rdmsr(0xc0000101) == (u64)percpu;
  regs[3] = regs[2] + 1; /* rax = rdi + 1 */
}

static int hook(struct frame *f) {
  u64 here = (u64)f;
  switch (f->vector) {
  case 0x80:
    i80_cs = f->cs; i80_ss = f->ss; i80_if = (f->rflags >> 9) & 1;
    i80_onstack = here > (u64)rsp0_stack_top - 4096 && here < (u64)rsp0_stack_top;
    f->rax = 0x80;
    return 1;
  case 0x82: resume_kernel();
  case 13:
    if ((f->cs & 3) != 3) return 0;
    if (f->err) { gp_err = f->err; gp_cs = f->cs; f->rip += 2; } /* INT 0x81 */
    else { cli_err = 0x100 | f->err; f->rip += 1; }               /* CLI */
    return 1;
  case 14:
    if ((f->cs & 3) != 3) return 0;
    pf_err = f->err; pf_cr2 = read_cr2();
    return 0; /* resumes at recover */
  case 3:
    if ((f->cs & 3) == 3) bp_rip = f->rip - (u64)user_ret_label;
    return 1; /* a trap: resumes after INT3 */
  case 8:
    df_err = f->err;
    df_on_ist = here > (u64)ist1_stack_top - 4096 && here < (u64)ist1_stack_top;
    return 0;
  }
  return 0;
}

static void user_main(void) {
  u64 v;
  __asm__ volatile("mov %%cs, %0" : "=r"(v)); u_cs = v;
  __asm__ volatile("mov %%ss, %0" : "=r"(v)); u_ss = v;
  __asm__ volatile("syscall" : "=a"(v) : "a"(7), "D"(0x1234) : "rcx", "r11", "memory"); u_sys_ret = v;
  __asm__ volatile("int $0x80" : "=a"(v) : "a"(0) : "memory"); u_int80 = v;
  __asm__ volatile("int $0x81" ::: "memory");
  __asm__ volatile("cli" ::: "memory");
  TRY("mov (%0), %%rax", : : "r"(0x200000ULL) : "rax", "memory");
  __asm__ volatile("int3\n.globl user_ret_label\nuser_ret_label:" ::: "memory");
  u_after = 1;
  __asm__ volatile("int $0x82");
}

static u16 rdseg(int which) {
  u16 v = 0;
  if (which == 0) __asm__ volatile("mov %%ds, %0" : "=r"(v));
  else if (which == 1) __asm__ volatile("mov %%cs, %0" : "=r"(v));
  else __asm__ volatile("mov %%ss, %0" : "=r"(v));
  return v;
}

void main(u32 start_info) {
  (void)start_info;
  setup_tables();
  trap_hook = hook;
  puts_("rings\n");
  /* ring 0 exceptions */
  volatile u64 zero = 0;
  TRY("xor %%edx, %%edx\n mov $1, %%eax\n divq %0", : : "m"(zero) : "rax", "rdx", "memory"); report_trap("de");
  TRY("ud2", : : : "rax", "memory"); report_trap("ud");
  TRY("mov %%rax, %%cr1", : : : "rax", "memory"); report_trap("cr1");
  __asm__ volatile("int3" ::: "memory"); report_trap("bp");
  TRY("mov %0, %%ds", : : "r"(0x48) : "rax", "memory"); report_trap("ds.beyond_gdt");
  TRY("mov %0, %%ss", : : "r"(0x20) : "rax", "memory"); report_trap("ss.user_data");
  TRY("mov %0, %%ds", : : "r"(0x08) : "rax", "memory"); report_trap("ds.readable_code");
  __asm__ volatile("mov %0, %%ds" : : "r"(0x23)); kv("ds", rdseg(0));
  __asm__ volatile("mov %0, %%ds" : : "r"(0x10));
  /* far transfers: LRETQ to the kernel CS, far JMP m16:64, far CALL m16:32 and LRET */
  __asm__ volatile("pushq $0x08\n lea 1f(%%rip), %%rax\n push %%rax\n lretq\n1:" ::: "rax", "memory");
  kv("lretq.cs", rdseg(1));
  struct { u64 off; u16 sel; } __attribute__((packed)) fp = { 0, 0x08 };
  __asm__ volatile("lea 1f(%%rip), %%rax\n mov %%rax, %0\n rex64 ljmp *%0\n1:" : "+m"(fp) : : "rax", "memory");
  kv("ljmp.cs", rdseg(1));
  q = 0;
  __asm__ volatile("lea 2f(%%rip), %%rax\n mov %%eax, %1\n movw $0x08, 4+%1\n lcall *%1\n jmp 3f\n"
                   "2: movq $7, %0\n lretl\n3:" : "=m"(q), "+m"(fp) : : "rax", "memory");
  kv("lcall.ret", q); nl();
  /* VERR/VERW set ZF for a usable selector (Linux's VERW buffer clearing); LAR/LSL read it */
  u64 zf_w, zf_wc, zf_r, lar = 0, lsl = 0;
  __asm__ volatile("verw %w1; setz %b0" : "=r"(zf_w) : "r"(0x10) : "cc"); zf_w &= 1;
  __asm__ volatile("verw %w1; setz %b0" : "=r"(zf_wc) : "r"(0x08) : "cc"); zf_wc &= 1;
  __asm__ volatile("verr %w1; setz %b0" : "=r"(zf_r) : "r"(0x08) : "cc"); zf_r &= 1;
  __asm__ volatile("lar %1, %0" : "+r"(lar) : "r"(0x28ULL) : "cc");
  __asm__ volatile("lsl %1, %0" : "+r"(lsl) : "r"(0x20ULL) : "cc");
  kv("verw.data", zf_w); kv("verw.code", zf_wc); kv("verr.code", zf_r); kv("lar.ucode", lar); kv("lsl.udata", lsl); nl();
  /* #DF: the #PF gate not present turns a page fault into #NP, then #DF, delivered on IST1 */
  set_gate(8, 0, 1, 0);
  idt_gate_present(14, 0);
  TRY("mov (%0), %%rax", : : "r"(0x40000000ULL) : "rax", "memory"); report_trap("df");
  kv("df.on_ist1", df_on_ist); nl();
  idt_gate_present(14, 1);
  /* ring 3 */
  wrmsr(0xc0000081, (0x18ULL << 48) | (0x08ULL << 32));
  wrmsr(0xc0000082, (u64)syscall_entry);
  wrmsr(0xc0000084, 0x700);
  percpu[0] = (u64)syscall_stack + sizeof syscall_stack;
  wrmsr(0xc0000102, (u64)percpu);
  wrmsr(0xc0000101, 0);
  set_gate(0x80, 3, 0, 0);
  set_gate(0x82, 3, 0, 0);
  set_gate(3, 3, 0, 1);
  pd[0] = (pd[0] & ~0xfffULL) | USER_PAGE_FLAGS;
  write_cr3(read_cr3());
  enter_user(user_main, (u64)user_stack + sizeof user_stack);
  kv("user.cs", u_cs); kv("user.ss", u_ss); kv("user.done", u_after); nl();
  kv("sys.ret", u_sys_ret); kv("sys.rdi", s_rdi); kv("sys.rcx_ok", s_rcx > (u64)user_main && s_rcx < (u64)user_main + 4096);
  kv("sys.r11", s_r11); kv("sys.cs", s_cs); kv("sys.ss", s_ss); kv("sys.gs_percpu", s_gs); nl();
  kv("int80.ret", u_int80); kv("int80.cs", i80_cs); kv("int80.ss", i80_ss); kv("int80.if", i80_if);
  kv("int80.on_rsp0", i80_onstack); nl();
  /* hw: the SDM's error code names the IDT entry by vector (vector << 3 | IDT); qemu-system-x86_64
   * 7.2 puts vector * 16 there */
  puts_("hw: "); kv("int81.err", gp_err); nl();
  kv("int81.cs", gp_cs); kv("cli.err", cli_err); kv("user_pf.err", pf_err); kv("user_pf.cr2", pf_cr2);
  kv("int3.rip_off", bp_rip); nl();
  kv("after.cs", rdseg(1)); kv("after.ss", rdseg(2)); kv("gs_base", rdmsr(0xc0000101)); nl();
  kv("traps", traps); nl();
  exit_(0x12);
}
