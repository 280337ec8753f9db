/* Self-modifying code: a function written into a buffer, called, rewritten in place (same length,
 * then a longer instruction sequence) and called again; a function that stores into an instruction
 * two further on in its own straight-line code, then rewritten with other instruction boundaries
 * (decoded blocks, ADR 0035); the decoded-instruction cache must see every
 * change. The page is made executable with mprotect, as a JIT does. */
#include "lib.h"

static u8 code[8192] __attribute__((aligned(4096)));

typedef u64 (*Fn)(u64);

/* mov $imm32, %eax ; add %rdi, %rax ; ret */
static void emit_small(u8 *p, u32 imm) {
  p[0] = 0xb8; p[1] = (u8)imm; p[2] = (u8)(imm >> 8); p[3] = (u8)(imm >> 16); p[4] = (u8)(imm >> 24);
  p[5] = 0x48; p[6] = 0x01; p[7] = 0xf8; p[8] = 0xc3;
}

/* movabs $imm64, %rax (10 bytes: longer than 8) ; xor %rdi, %rax ; ret */
static void emit_long(u8 *p, u64 imm) {
  p[0] = 0x48; p[1] = 0xb8;
  for (int i = 0; i < 8; i++) p[2 + i] = (u8)(imm >> (8 * i));
  p[10] = 0x48; p[11] = 0x31; p[12] = 0xf8; p[13] = 0xc3;
}

/* mov %edi, 3(%rip) (the imm32 of the mov two instructions on) ; xor %ecx,%ecx ; mov $imm32, %eax ;
 * add %ecx, %eax ; ret: returns its argument only if the store is seen by the running code */
static void emit_patch_later(u8 *p, u32 imm) {
  static const u8 c[] = {0x89, 0x3d, 3, 0, 0, 0, 0x31, 0xc9, 0xb8, 0, 0, 0, 0, 0x01, 0xc8, 0xc3};
  for (unsigned i = 0; i < sizeof c; i++) p[i] = c[i];
  for (int i = 0; i < 4; i++) p[9 + i] = (u8)(imm >> (8 * i));
}

/* the same with other instruction boundaries after the first: mov %edi, 4(%rip) ;
 * lea (%rdi,%rdi), %eax ; add $imm32, %eax (the stored one) ; ret: returns 3 * its argument */
static void emit_shifted(u8 *p) {
  static const u8 c[] = {0x8d, 0x04, 0x3f, 0x05, 0, 0, 0, 0, 0xc3};
  p[2] = 4;
  for (unsigned i = 0; i < sizeof c; i++) p[6 + i] = c[i];
}

int main(void) {
  long r = sys3(10, (long)code, sizeof code, 7); /* PROT_READ | PROT_WRITE | PROT_EXEC */
  puts_("mprotect"); hx((u64)r); nl();
  Fn f = (Fn)(void *)code;
  u64 acc = 0;
  for (u32 i = 0; i < 50; i++) {
    emit_small(code, i * 0x01010101u);
    __asm__ volatile("" ::: "memory");
    acc = acc * 31 + f(i);
    emit_long(code, 0x0123456789abcdefUL * (i + 1));
    __asm__ volatile("" ::: "memory");
    acc = acc * 31 + f(i);
    /* change only the ninth byte of the long instruction (its last immediate byte) */
    code[9] ^= 0x5a;
    __asm__ volatile("" ::: "memory");
    acc = acc * 31 + f(i);
  }
  puts_("smc"); hx(acc); nl();
  u8 *g = code + 4096;
  u64 later = 0;
  for (u32 i = 0; i < 20; i++) {
    emit_patch_later(g, 0xdead0000u + i);
    __asm__ volatile("" ::: "memory");
    later = later * 31 + ((Fn)(void *)g)(i * 0x1234567u); /* each call rewrites its own mov */
    later = later * 31 + ((Fn)(void *)g)(i);
    emit_shifted(g);
    __asm__ volatile("" ::: "memory");
    later = later * 31 + ((Fn)(void *)g)(i); /* the block decoded from g before runs changed */
  }
  puts_("smc.block"); hx(later); nl();
  /* code in the first page's last 12 bytes (decoded into blocks since ADR 0059) and a movabs that
   * runs across into the second page (the slow fetch's), rewritten on either side between calls:
   * mov $imm32, %eax ; add %rdi, %rax ; movabs $imm64, %rcx (4 bytes here, 6 there) ;
   * add %rcx, %rax ; ret */
  u8 *t = code + 4096 - 12;
  u64 tail = 0;
  for (u32 i = 0; i < 20; i++) {
    u32 imm = 0x1000u * i + 7;
    u64 imm64 = 0x1111111111111111UL * (i + 1) ^ (u64)i << 40;
    t[0] = 0xb8; t[1] = (u8)imm; t[2] = (u8)(imm >> 8); t[3] = (u8)(imm >> 16); t[4] = (u8)(imm >> 24);
    t[5] = 0x48; t[6] = 0x01; t[7] = 0xf8;
    t[8] = 0x48; t[9] = 0xb9;
    for (int k = 0; k < 8; k++) t[10 + k] = (u8)(imm64 >> (8 * k));
    t[18] = 0x48; t[19] = 0x01; t[20] = 0xc8; t[21] = 0xc3;
    __asm__ volatile("" ::: "memory");
    tail = tail * 31 + ((Fn)(void *)t)(i);
    t[1] ^= 0x3c; /* the tail's own imm32 */
    __asm__ volatile("" ::: "memory");
    tail = tail * 31 + ((Fn)(void *)t)(i);
    t[17] ^= 0xc3; /* the movabs's last byte, in the second page */
    __asm__ volatile("" ::: "memory");
    tail = tail * 31 + ((Fn)(void *)t)(i);
  }
  puts_("smc.tail"); hx(tail); nl();
  flush();
  return 0;
}
