/* Control flow and the odd corners of data movement: indirect CALL/JMP through registers and
 * memory, RET imm16, 16-bit PUSH/POP, XLAT, MOV with a 64-bit absolute address (moffs), FS/GS segment
 * overrides after arch_prctl, LOOP with the 32-bit address size, XCHG with memory, SYSCALL's
 * result, flag instructions (CMC STC CLC), SETcc to memory, multi-byte NOPs. Prints what each
 * produced. */
#include "lib.h"

static u64 target_hits;
static void __attribute__((noinline)) hit(void) { target_hits++; }
static u64 tls_block[8] = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888};
static volatile u64 abs_var = 0x0123456789abcdefUL;

static u64 __attribute__((naked)) ret_imm(void) {
  __asm__("mov $42, %eax\n ret $0");
}

int main(void) {
  /* indirect calls and jumps */
  void (*volatile fn)(void) = hit;
  for (int i = 0; i < 3; i++) fn();
  __asm__ volatile("call *%0" : : "m"(fn) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
  u64 out;
  __asm__ volatile("lea 1f(%%rip), %%rax\n jmp *%%rax\n mov $1, %0\n 1: mov $2, %0" : "=r"(out) : : "rax");
  puts_("indirect"); hx(target_hits); hx(out); hx(ret_imm()); nl();

  /* RET imm16 pops extra bytes */
  u64 sp0, sp1;
  __asm__ volatile("mov %%rsp, %0\n push $7\n call 1f\n jmp 2f\n 1: ret $8\n 2: mov %%rsp, %1" : "=&r"(sp0), "=&r"(sp1) : : "memory");
  puts_("retimm"); hx(sp0 - sp1); nl();

  /* 16-bit push/pop and PUSHF/POPF of 16 bits */
  u64 w = 0xaaaabbbbccccddddUL, got = 0, d;
  __asm__ volatile("mov %%rsp, %2\n pushw %w3\n popw %w0\n pushw $0x1234\n popw %w1\n sub %%rsp, %2"
                   : "+r"(got), "+r"(w), "=&r"(d) : "r"(0x5678UL) : "memory");
  puts_("push16"); hx(got); hx(w); hx(d); nl();

  /* moffs: movabs to and from a 64-bit absolute address */
  u64 v;
  __asm__ volatile("movabs abs_var, %%rax\n mov %%rax, %0" : "=r"(v) : : "rax", "memory");
  __asm__ volatile("mov $0x77, %%al\n movabs %%al, abs_var" : : : "rax", "memory");
  u32 v32;
  __asm__ volatile("movabs abs_var, %%eax\n mov %%eax, %0" : "=r"(v32) : : "rax", "memory");
  puts_("moffs"); hx(v); hx(v32); hx(abs_var); nl();

  /* FS and GS bases set with arch_prctl; loads and stores through the overrides */
  long r1 = sys3(158, 0x1002, (long)tls_block, 0), r2 = sys3(158, 0x1001, (long)&tls_block[4], 0);
  u64 f0, f1, g0;
  __asm__ volatile("mov %%fs:8, %0\n mov %%fs:0, %1\n mov %%gs:0, %2\n movq $0x99, %%gs:8" : "=r"(f0), "=r"(f1), "=r"(g0) : : "memory");
  u64 idx = 2, f2;
  __asm__ volatile("mov %%fs:(,%1,8), %0" : "=r"(f2) : "r"(idx) : "memory");
  puts_("seg"); hx((u64)r1); hx((u64)r2); hx(f0); hx(f1); hx(g0); hx(f2); hx(tls_block[5]); nl();

  /* LOOP counting in ECX only (67 prefix): the upper half of RCX is cleared by the write */
  u64 c = 0xffffffff00000005UL, n = 0;
  __asm__ volatile("1: inc %1\n addr32 loop 1b" : "+c"(c), "+r"(n));
  puts_("loop32"); hx(c); hx(n); nl();

  /* XCHG with memory, and the short XCHG forms */
  u64 m = 0x1122334455667788UL, x = 0xdeadbeef, a = 1, b2 = 2;
  __asm__ volatile("xchg %0, %1" : "+m"(m), "+r"(x));
  __asm__ volatile("xchg %%rax, %%r9\n xchg %%eax, %%r9d" : "+a"(a) : : "r9");
  __asm__ volatile("xchgw %w0, %w1" : "+r"(a), "+r"(b2));
  puts_("xchg"); hx(m); hx(x); hx(a); hx(b2); nl();

  /* SYSCALL's result and the flags around it (a write of 0 bytes). Not rCX/r11: Linux returns
   * them as SYSCALL set them, qemu-x86_64 does not model that */
  u64 ret, fl_out, flags_in = 0x202 | 0x801;
  __asm__ volatile("push %2\n popfq\n syscall\n pushfq\n pop %1"
                   : "=a"(ret), "=r"(fl_out) : "r"(flags_in), "a"(1L), "D"(1L), "S"(0L), "d"(0L) : "rcx", "r11", "memory", "cc");
  puts_("syscall"); hx(ret); hx(fl_out & FLAGS); nl();

  /* flag instructions and SETcc to memory */
  u8 s1 = 0, s2 = 0, s3 = 0;
  u64 fl;
  __asm__ volatile("stc\n setc %0\n cmc\n setc %1\n stc\n cmc\n cmc\n setb %2\n clc\n pushfq\n pop %3"
                   : "=m"(s1), "=m"(s2), "=m"(s3), "=r"(fl) : : "cc");
  puts_("flags"); hx(s1); hx(s2); hx(s3); hx(fl & 1); nl();

  /* multi-byte NOPs, PAUSE, ENDBR64, prefetch and fences */
  u64 z = 5;
  __asm__ volatile("nop\n xchg %%ax, %%ax\n nopl (%%rax)\n nopl 0(%%rax)\n nopl 0(%%rax,%%rax,1)\n nopw 0(%%rax,%%rax,1)\n"
                   " nopl 0x100(%%rax)\n nopw %%cs:0x100(%%rax,%%rax,1)\n pause\n endbr64\n prefetcht0 (%0)\n prefetchnta 8(%0)\n"
                   " lfence\n mfence\n sfence\n add $1, %0" : "+r"(z) : "a"(&z) : "memory");
  puts_("nops"); hx(z); nl();

  /* XLAT through a 256-byte table */
  static u8 table[256];
  for (int i = 0; i < 256; i++) table[i] = (u8)(i * 7 + 3);
  u64 xl = 0x1234567890abcd00UL | 0xc8, xs = 0;
  __asm__ volatile("xlat\n mov %%rax, %1\n mov $0x10, %%al\n xlatb" : "+a"(xl), "=&r"(xs) : "b"(table) : "memory");
  puts_("xlat"); hx(xs); hx(xl); nl();

  /* CMOV from memory and XADD/CMPXCHG on 16-bit memory, INC/DEC on memory bytes */
  u16 h = 0xfff0; u8 bb = 0x7f; u64 mm = 0x55, dst = 0x66, one = 1;
  __asm__ volatile("cmp %2, %2\n cmove %3, %1\n incb %0\n decw %4" : "+m"(bb), "+r"(dst) : "r"(one), "m"(mm), "m"(h) : "cc");
  puts_("mem"); hx(bb); hx(dst); hx(h); nl();
  flush();
  return 0;
}
