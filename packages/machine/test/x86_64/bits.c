/* Bit and data-movement instructions: BT BTS BTR BTC (register, memory with a register bit offset
 * beyond the operand, immediate), BSF BSR, BSWAP, SETcc and CMOVcc and Jcc over every condition,
 * MOVZX MOVSX MOVSXD, CBW..CQO, LEA with SIB forms, XCHG, CMPXCHG, XADD with LOCK, CMPXCHG8B/16B,
 * LAHF SAHF PUSHF POPF, LOOP, ENTER/LEAVE. Prints results and flags. */
#include "lib.h"

#define UNPAREN(...) __VA_ARGS__
#define RUN(insn, outs, ins) __asm__ volatile("push %[fi]\n popfq\n " insn "\n pushfq\n pop %[f]" : UNPAREN outs : UNPAREN ins : "cc", "memory")

static void bt_tests(void) {
  for (int i = 0; i < 120; i++) {
    u64 a = operand(i), off = rnd() & 0xff, f, r;
    u64 fin = i & 1 ? 0x203 | FLAGS : 0x202;
#define BTR_(insn, T) { T t = (T)a; RUN(insn " %[o], %[r]", ([r] "+r"(t), [f] "=&r"(f)), ([o] "r"((T)off), [fi] "r"(fin))); r = t; } \
    puts_(insn); hx(a); hx(off); hx(r); hx(f & (FLAGS & ~0x800UL & ~0x80UL & ~0x10UL & ~0x4UL)); nl();
    BTR_("btw", u16) BTR_("btl", u32) BTR_("btq", u64) BTR_("btsw", u16) BTR_("btsl", u32) BTR_("btsq", u64)
    BTR_("btrw", u16) BTR_("btrl", u32) BTR_("btrq", u64) BTR_("btcw", u16) BTR_("btcl", u32) BTR_("btcq", u64)
    /* memory with a signed bit offset reaching into neighbouring words */
    u64 mem[8];
    for (int k = 0; k < 8; k++) mem[k] = rnd();
    i64 soff = (i64)(rnd() % 512) - 256;
#define BTM(insn, T) RUN(insn " %[o], %[m]", ([m] "+m"(*(T *)&mem[4]), [f] "=&r"(f)), ([o] "r"((T)soff), [fi] "r"(fin))); \
    puts_(insn "m"); hx((u64)soff); hx(f & 1); for (int k = 0; k < 8; k++) hx(mem[k]); nl();
    BTM("btsq", u64) BTM("btrl", u32) BTM("btcw", u16) BTM("btq", u64)
#define BTI(insn, T, imm) { T t = (T)a; RUN(insn " $" #imm ", %[r]", ([r] "+r"(t), [f] "=&r"(f)), ([fi] "r"(fin))); r = t; } \
    puts_(insn #imm); hx(a); hx(r); hx(f & 1); nl();
    BTI("btq", u64, 63) BTI("btsq", u64, 70) BTI("btrl", u32, 33) BTI("btcw", u16, 17)
  }
}

static void scan_tests(void) {
  for (int i = 0; i < 150; i++) {
    u64 a = operand(i), f, r, fin = i & 1 ? 0x203 | FLAGS : 0x202;
    if (i % 5 == 0) a = 1UL << (rnd() & 63);
#define SCAN(insn, T) { T t = (T)0x1111111111111111UL; RUN(insn " %[a], %[r]", ([r] "+r"(t), [f] "=&r"(f)), ([a] "r"((T)a), [fi] "r"(fin))); r = t; } \
    puts_(insn); hx(a); hx(r); hx(f & FLAGS); nl();
    SCAN("bsfw", u16) SCAN("bsfl", u32) SCAN("bsfq", u64) SCAN("bsrw", u16) SCAN("bsrl", u32) SCAN("bsrq", u64)
    r = a; __asm__("bswapq %0" : "+r"(r)); puts_("bswapq"); hx(r);
    r = a; __asm__("bswapl %k0" : "+r"(r)); puts_(" bswapl"); hx(r); nl();
  }
}

#define CC_ALL(m) m(o) m(no) m(b) m(ae) m(e) m(ne) m(be) m(a) m(s) m(ns) m(p) m(np) m(l) m(ge) m(le) m(g)
static void cond_tests(void) {
  for (u64 fl = 0; fl < 64; fl++) {
    /* every combination of OF SF ZF PF CF plus AF */
    u64 fin = 0x202 | (fl & 1 ? 0x1 : 0) | (fl & 2 ? 0x4 : 0) | (fl & 4 ? 0x40 : 0) | (fl & 8 ? 0x80 : 0) |
              (fl & 16 ? 0x800 : 0) | (fl & 32 ? 0x10 : 0);
    u64 out = 0, bit = 1, r8;
#define SETC(cc) __asm__ volatile("push %1\n popfq\n set" #cc " %b0" : "=q"(r8) : "r"(fin) : "cc"); out |= (r8 & 1) ? bit : 0; bit <<= 1;
    CC_ALL(SETC)
#define CMOVC(cc) { u64 d = 1, s = 2; __asm__ volatile("push %2\n popfq\n cmov" #cc " %1, %0" : "+r"(d) : "r"(s), "r"(fin) : "cc"); out |= (d == 2) ? bit : 0; bit <<= 1; }
    CC_ALL(CMOVC)
#define JC(cc) { u64 t = 0; __asm__ volatile("push %1\n popfq\n j" #cc " 1f\n jmp 2f\n 1: mov $1, %0\n 2:" : "+r"(t) : "r"(fin) : "cc"); out |= t ? bit : 0; bit <<= 1; }
    CC_ALL(JC)
    u32 c32 = 0x12345678; u64 d64 = ~0UL;
    __asm__ volatile("push %2\n popfq\n cmovnel %k1, %k0" : "+r"(d64) : "r"((u64)c32), "r"(fin) : "cc");
    /* memory and byte forms: CMOV from memory (a 32-bit one zero-extends when it does not move),
     * SETcc to memory and to AH */
    u64 src = 0x1111222233334444, dm = ~0UL, ah = ~0UL; u8 sb = 0x77;
    __asm__ volatile("push %4\n popfq\n cmovbl %3, %k0\n setbe %1\n setl %h2" : "+r"(dm), "+m"(sb), "+Q"(ah) : "m"(src), "r"(fin) : "cc");
    puts_("cond"); hx(fin & FLAGS); hx(out); hx(d64); hx(dm); hx(sb); hx(ah); nl();
  }
}

static void move_tests(void) {
  u64 i1, i2; /* MOV r/m, imm32 of a register (C7 /0): zero-extended from 32 bits, sign-extended to 64 */
  __asm__("mov $-1, %0\n mov $-1, %1\n .byte 0xc7, 0xc0\n .long 0xfffffff0\n .byte 0x48, 0xc7, 0xc2\n .long 0x8000000f"
          : "=&a"(i1), "=&d"(i2));
  puts_("movimm"); hx(i1); hx(i2); nl();
  for (int i = 0; i < 100; i++) {
    u64 a = operand(i), r1, r2, r3, r4, r5, r6;
    __asm__("movzbq %b6, %0\n movzwl %w6, %k1\n movsbw %b6, %w2\n movswq %w6, %3\n movslq %k6, %4\n movsbl %b6, %k5"
            : "=r"(r1), "=r"(r2), "=r"(r3), "=r"(r4), "=r"(r5), "=r"(r6) : "r"(a));
    r3 = (r3 & 0xffff);
    puts_("movx"); hx(a); hx(r1); hx(r2); hx(r3); hx(r4); hx(r5); hx(r6); nl();
    u64 x = a;
    __asm__("cbtw" : "+a"(x)); puts_("cbw"); hx(x);
    x = a; __asm__("cwtl" : "+a"(x)); hx(x);
    x = a; __asm__("cltq" : "+a"(x)); hx(x);
    u64 dd = 5; x = a; __asm__("cwtd" : "+a"(x), "+d"(dd)); hx(dd);
    dd = 5; __asm__("cltd" : "+a"(x), "+d"(dd)); hx(dd);
    dd = 5; __asm__("cqto" : "+a"(x), "+d"(dd)); hx(dd); nl();
    u64 b = rnd(), l1, l2, l3, l4;
    __asm__("lea 0x7f(%4,%5,8), %0\n lea -0x80000000(%5), %1\n lea (,%5,4), %2\n leal 3(%4,%5,2), %k3"
            : "=&r"(l1), "=&r"(l2), "=&r"(l3), "=&r"(l4) : "r"(a), "r"(b));
    puts_("lea"); hx(l1); hx(l2); hx(l3); hx(l4); nl();
  }
}

/* RIP-relative LEA: the next instruction's rip + disp32 (the decoder folds the length into the
 * displacement, and past INT32_MAX it takes another way), and with a 67 prefix the same truncated
 * to 32 bits. Each prints its distance from the next instruction's address, so no load address shows */
#define RIPREL(disp) do { \
    u64 got, next; \
    __asm__(".byte 0x48, 0x8d, 0x05\n .long " #disp "\n 1: lea 1b(%%rip), %1" : "=a"(got), "=r"(next)); \
    hx(got - next); \
    __asm__(".byte 0x67, 0x48, 0x8d, 0x05\n .long " #disp "\n 1: lea 1b(%%rip), %1" : "=a"(got), "=r"(next)); \
    hx(got - (u32)(next + (u64)(i64)(int)(disp))); \
  } while (0)
static void riprel_tests(void) {
  puts_("riprel");
  RIPREL(0); RIPREL(0x100); RIPREL(-0x100); RIPREL(0x7ffffff0); RIPREL(0x7ffffff8); RIPREL(0x7ffffffd);
  RIPREL(0x7fffffff); RIPREL(-0x80000000); RIPREL(-0x7ffffff9);
  nl();
}

/* FS-relative memory operands (the decoder reads the base as an index register when the operand
 * has none, and leaves the others to the general paths): loads, stores, ALU and compare forms,
 * with and without an index, with a 67 prefix, and LEA, which ignores the segment */
static u64 fs_area[8];
static void fs_tests(void) {
  puts_("fs");
  sys3(158, 0x1002, (long)fs_area, 0); /* arch_prctl(ARCH_SET_FS) */
  for (int i = 0; i < 8; i++) fs_area[i] = rnd();
  u64 one = 1, two = 2, r1, r2, r3, r4, r5, r6;
  __asm__ volatile("mov %%fs:8, %0\n mov %%fs:8(%6), %1\n mov %%fs:0(%6,%7,8), %2\n .byte 0x64\n lea 8(%6), %3\n" /* fs lea: gas warns on the prefix written out */
                   " movq $0x1234, %%fs:16\n addq %%fs:24, %3\n subq %8, %%fs:32\n mov %%fs:0(%6,%6,2), %4\n"
                   " cmpq $0x1234, %%fs:16\n sete %b5\n addr32 mov %%fs:(%k6), %k4"
                   : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6)
                   : "r"(one), "r"(two), "r"(two)
                   : "memory", "cc");
  hx(r1); hx(r2); hx(r3); hx(r4); hx(r5); hx(r6 & 0xff);
  for (int i = 0; i < 8; i++) hx(fs_area[i]);
  nl();
  sys3(158, 0x1002, 0, 0);
}

static void atomic_tests(void) {
  for (int i = 0; i < 100; i++) {
    u64 a = operand(i), b = rnd(), mem = i & 1 ? a : rnd(), f, fin = 0x202;
    u64 acc = a, src = b;
    RUN("lock cmpxchgq %[s], %[m]", ([m] "+m"(mem), "+a"(acc), [f] "=&r"(f)), ([s] "r"(src), [fi] "r"(fin)));
    puts_("cmpxchgq"); hx(mem); hx(acc); hx(f & FLAGS);
    u32 m32 = (u32)(i & 2 ? a : b); acc = a;
    RUN("cmpxchgl %k[s], %[m]", ([m] "+m"(m32), "+a"(acc), [f] "=&r"(f)), ([s] "r"(src), [fi] "r"(fin)));
    hx(m32); hx(acc); hx(f & FLAGS);
    u8 m8 = (u8)(i & 4 ? a : b); acc = a;
    RUN("cmpxchgb %b[s], %[m]", ([m] "+m"(m8), "+a"(acc), [f] "=&r"(f)), ([s] "q"(src), [fi] "r"(fin)));
    hx(m8); hx(acc); hx(f & FLAGS); nl();
    u64 x = b; mem = a;
    RUN("lock xaddq %[x], %[m]", ([m] "+m"(mem), [x] "+r"(x), [f] "=&r"(f)), ([fi] "r"(fin)));
    puts_("xadd"); hx(mem); hx(x); hx(f & FLAGS);
    u16 w = (u16)a; x = b;
    RUN("xaddw %w[x], %[m]", ([m] "+m"(w), [x] "+r"(x), [f] "=&r"(f)), ([fi] "r"(fin)));
    hx(w); hx(x); hx(f & FLAGS);
    x = b; u64 y = a;
    __asm__("xchgq %0, %1\n xchgb %b0, %b1" : "+r"(x), "+r"(y)); hx(x); hx(y); nl();
    u64 m16[2] __attribute__((aligned(16))) = {a, b};
    u64 lo = i & 1 ? a : 1, hi = i & 2 ? b : 2, nlo = rnd(), nhi = rnd();
    RUN("lock cmpxchg16b %[m]", ([m] "+m"(*(unsigned __int128 *)m16), "+a"(lo), "+d"(hi), [f] "=&r"(f)),
        ("b"(nlo), "c"(nhi), [fi] "r"(fin | FLAGS)));
    puts_("cx16"); hx(m16[0]); hx(m16[1]); hx(lo); hx(hi); hx(f & FLAGS);
    u64 m8b = i & 1 ? a : b; lo = (u32)a; hi = a >> 32;
    RUN("cmpxchg8b %[m]", ([m] "+m"(m8b), "+a"(lo), "+d"(hi), [f] "=&r"(f)), ("b"(nlo), "c"(nhi), [fi] "r"(fin)));
    hx(m8b); hx(lo); hx(hi); hx(f & FLAGS); nl();
  }
}

static void flag_reg_tests(void) {
  for (int i = 0; i < 64; i++) {
    u64 a = operand(i) << 8, f, r = a;
    RUN("sahf\n lahf", ([f] "=&r"(f), "+a"(r)), ([fi] "r"((u64)0x202)));
    puts_("sahf"); hx(a); hx(r); hx(f & FLAGS);
    u64 in = (rnd() & (FLAGS | 0x400)) | 0x202, out;
    __asm__ volatile("push %1\n popfq\n pushfq\n pop %0\n cld" : "=r"(out) : "r"(in) : "cc");
    hx(in); hx(out & ~0x200UL); nl();
  }
  /* LOOP, LOOPE, LOOPNE and JRCXZ */
  for (int i = 0; i < 20; i++) {
    u64 n = rnd() & 31, c = n, k = 0;
    __asm__ volatile("jrcxz 2f\n 1: inc %1\n loop 1b\n 2:" : "+c"(c), "+r"(k));
    u64 c2 = 40, z = 0;
    __asm__ volatile("1: add $1, %1\n cmp %2, %1\n loopne 1b" : "+c"(c2), "+r"(z) : "r"(n) : "cc");
    puts_("loop"); hx(n); hx(c); hx(k); hx(c2); hx(z); nl();
  }
}

/* the run loop's inline forms (ADR 0060): INC/DEC of a register after each lazy flag producer
 * (CF kept from it), SHL/SHR/SAR by immediates around the count masks, 80 /alu r/m8, imm8 on low,
 * high and memory bytes, and TEST r/m8, imm8 fused with a Jcc */
static void lazy_tests(void) {
  for (int i = 0; i < 40; i++) {
    u64 a = operand(i), b = operand(i + 7), f, r;
#define INCDEC(name, pre, insn, T) { T t = (T)b; u64 x = a; \
    __asm__ volatile(pre "\n " insn " %[t]\n pushfq\n pop %[f]" : [t] "+r"(t), [x] "+r"(x), [f] "=&r"(f) : [y] "r"(b) : "cc"); \
    r = t; puts_(name); hx(a); hx(b); hx(r); hx(f & FLAGS); nl(); }
    INCDEC("add-inc", "add %[y], %[x]", "incq", u64) INCDEC("add-dec", "add %[y], %[x]", "decl", u32)
    INCDEC("sub-inc", "sub %[y], %[x]", "incl", u32) INCDEC("cmp-dec", "cmp %[y], %[x]", "decq", u64)
    INCDEC("and-inc", "and %[y], %[x]", "incq", u64) INCDEC("inc-dec", "inc %[x]", "decl", u32)
    INCDEC("dec-incw", "dec %[x]", "incw", u16) INCDEC("shl-inc", "shl $3, %[x]", "incq", u64)
    INCDEC("stc-dec", "stc", "decq", u64) INCDEC("addb-inc", "add %b[y], %b[x]", "incl", u32)
#define SHI(insn, T, cnt) { T t = (T)a; u64 x = a; \
    __asm__ volatile("cmp %[y], %[x]\n " insn " $" #cnt ", %[t]\n pushfq\n pop %[f]" : [t] "+r"(t), [x] "+r"(x), [f] "=&r"(f) : [y] "r"(b) : "cc"); \
    r = t; puts_(insn #cnt); hx(a); hx(b); hx(r); hx(f & FLAGS); nl(); }
    SHI("shll", u32, 1) SHI("shll", u32, 31) SHI("shll", u32, 32) SHI("shll", u32, 33) SHI("shrl", u32, 5)
    SHI("shrl", u32, 64) SHI("sarl", u32, 31) SHI("sarl", u32, 7) SHI("salq", u64, 63) SHI("shlq", u64, 64)
    SHI("shlq", u64, 65) SHI("shrq", u64, 63) SHI("sarq", u64, 1) SHI("sarq", u64, 62) SHI("sarq", u64, 128)
    u64 m = b;
#define ALUB(insn, dst, T) { T t = (T)a; \
    __asm__ volatile(insn "\n pushfq\n pop %[f]" : [t] "+Q"(t), [m] "+m"(m), [f] "=&r"(f) : : "cc"); \
    r = t; puts_(insn); hx(a); hx(r); hx(m); hx(f & FLAGS); nl(); }
    ALUB("addb $0x85, %b[t]", t, u64) ALUB("subb $1, %h[t]", t, u64) ALUB("cmpb $0x7f, %b[t]", t, u64)
    ALUB("andb $0xf0, %h[t]", t, u64) ALUB("orb $0x81, %b[m]", t, u64) ALUB("xorb $0xff, %b[m]", t, u64)
    ALUB("cmpb $0x80, %b[m]", t, u64) ALUB("subb $0x33, %b[m]", t, u64) ALUB("adcb $1, %b[t]", t, u64)
#define TESTB(insn, T) { T t = (T)a; u64 k = 0; \
    __asm__ volatile(insn "\n jz 1f\n or $1, %[k]\n 1: " insn "\n js 2f\n or $2, %[k]\n 2: pushfq\n pop %[f]" \
                     : [k] "+r"(k), [f] "=&r"(f) : [t] "Q"(t), [m] "m"(m) : "cc"); \
    puts_(insn); hx(a); hx(m); hx(k); hx(f & FLAGS); nl(); }
    TESTB("testb $0x81, %b[t]", u64) TESTB("testb $0x90, %h[t]", u64) TESTB("testb $0xc0, %b[m]", u64)
  }
}

static void __attribute__((noinline)) enter_test(void) {
  u64 d1, d2;
  __asm__ volatile("mov %%rsp, %%rcx\n enter $40, $0\n mov %%rbp, %%rax\n sub %%rsp, %%rax\n sub %%rbp, %%rcx\n leave"
                   : "=a"(d1), "=c"(d2) :: "memory");
  puts_("enter"); hx(d1); hx(d2); nl();
}

int main(void) {
  bt_tests();
  scan_tests();
  cond_tests();
  move_tests();
  riprel_tests();
  fs_tests();
  atomic_tests();
  flag_reg_tests();
  lazy_tests();
  enter_test();
  flush();
  return 0;
}
