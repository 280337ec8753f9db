/*
 * What our freestanding guest programs share (no libc; built by emu-build's buildGuestTool): size_t,
 * a raw system call of up to four arguments, and _start, which calls `void c_start(long *sp)` with
 * the initial stack (argc, argv..., NULL, envp..., NULL). The system call numbers stay in each program.
 */
#ifndef C2W_FREESTANDING_H
#define C2W_FREESTANDING_H

typedef unsigned long size_t;

#if defined(__x86_64__)
static long sys4(long n, long a, long b, long c, long d) {
  register long r10 __asm__("r10") = d;
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return r;
}
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall c_start\n\thlt\n");
#elif defined(__riscv) && __riscv_xlen == 64
static long sys4(long n, long a, long b, long c, long d) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3) : "memory");
  return a0;
}
__asm__(".text\n.global _start\n_start:\n\tmv a0, sp\n\tandi sp, sp, -16\n\tcall c_start\n");
#else
#error "c2w's guest programs: riscv64 or x86_64 only"
#endif

#endif
