/* Instruction test programs for the x86-64 CPU: static, -nostdlib, run on qemu-x86_64 and on
 * c2w-x86-user, whose outputs x86_64-user.test.ts compares byte for byte. Only the system calls
 * the runner implements: write and exit_group. Operands come from a fixed-seed xorshift, so both
 * runs see the same sweep. */
#ifndef X86_TEST_LIB_H
#define X86_TEST_LIB_H
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long i64;

/* RFLAGS bits the SDM defines for arithmetic: OF SF ZF AF PF CF */
#define FLAGS 0x8d5UL

static inline long sys3(long nr, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

static char obuf[4096];
static int olen;
static void flush(void) { if (olen) sys3(1, 1, (long)obuf, olen); olen = 0; }
static void putc_(char ch) { if (olen == sizeof obuf) flush(); obuf[olen++] = ch; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(u64 v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void hx(u64 v) { putc_(' '); hex(v, 16); }
static void nl(void) { putc_('\n'); }

static u64 rng = 0x243f6a8885a308d3UL;
static u64 rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

/* operands: edge values first, then random ones with random widths */
static const u64 edges[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
                            0xffffffff, 0x7fffffffffffffffUL, 0x8000000000000000UL, ~0UL, ~1UL};
#define NEDGE (sizeof edges / sizeof edges[0])
static u64 operand(int i) {
  if (i < (int)NEDGE) return edges[i];
  u64 v = rnd();
  switch (rnd() & 3) { case 0: return v & 0xff; case 1: return v & 0xffff; case 2: return v & 0xffffffff; default: return v; }
}

static void __attribute__((noreturn)) exit_(int code) {
  flush();
  sys3(231, code, 0, 0);
  for (;;) {}
}

int main(void);
void __attribute__((naked, noreturn)) _start(void) {
  __asm__ volatile("xor %ebp, %ebp\n and $-16, %rsp\n call main\n mov %eax, %edi\n mov $231, %eax\n syscall\n hlt");
}
#endif
