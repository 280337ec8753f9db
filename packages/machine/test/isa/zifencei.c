/* zifencei: self-modifying code. Instructions are written to a buffer, executed, rewritten
   (whole words, single bytes, 32-bit -> compressed), made visible with fence.i, and executed
   again, also after the old code became "hot" (a decoded-instruction cache must be flushed)
   and from U-mode. */
#include "test.h"

static volatile u32 code[2048] __attribute__((aligned(4096)));   /* two pages */
typedef u64 (*fn_t)(u64);

#define ADDI_A0(imm) ((((u32)(imm) & 0xfff) << 20) | (10u << 15) | (10u << 7) | 0x13u)
#define RET 0x00008067u
#define C_ADDI_A0_5_C_JR_RA 0x80820515u   /* c.addi a0, 5 ; c.jr ra */

static inline void fence_i(void) { asm volatile("fence.i" ::: "memory"); }
static u64 call(u64 x) { return ((fn_t)(u64)code)(x); }

static u64 u_patch_and_run(u64 x)
{
  code[0] = ADDI_A0(-3);
  code[1] = RET;
  fence_i();
  return call(x);
}

int main(void)
{
  u64 r = 0;
  code[0] = ADDI_A0(1);
  code[1] = RET;
  fence_i();
  CHECK(call(10), 11);
  for (int i = 0; i < 2000; i++) r += call(i);        /* make it hot */
  CHECK(r, 2000ULL * 1999 / 2 + 2000);
  code[0] = ADDI_A0(2);
  fence_i();
  CHECK(call(10), 12);
  /* byte store into the immediate: imm[11:4] is byte 3 */
  ((volatile uint8_t *)code)[3] = 0x01;             /* imm = 0x012 */
  fence_i();
  CHECK(call(10), 28);
  /* halfword store: the low half holds rd/funct3/opcode/rs1[0]; turn addi a0 into addi a1 */
  code[0] = ADDI_A0(7);
  ((volatile uint16_t *)code)[0] = (uint16_t)((ADDI_A0(7) & ~(31u << 7)) | (11u << 7));  /* rd = a1 */
  fence_i();
  CHECK(call(10), 10);
  /* 32-bit -> compressed */
  code[0] = C_ADDI_A0_5_C_JR_RA;
  fence_i();
  CHECK(call(10), 15);
  /* long sequence, then patch one instruction in the middle */
  for (int i = 0; i < 100; i++) code[i] = ADDI_A0(1);
  code[100] = RET;
  fence_i();
  CHECK(call(10), 110);
  for (int i = 0; i < 500; i++) call(0);
  code[50] = ADDI_A0(100);
  fence_i();
  CHECK(call(10), 209);
  /* a run of code that crosses into the next page; patch the part in the second page */
  for (int i = 1020; i < 1028; i++) code[i] = ADDI_A0(1);
  code[1028] = RET;
  fence_i();
  CHECK(((fn_t)(u64)&code[1020])(0), 8);
  for (int i = 0; i < 300; i++) ((fn_t)(u64)&code[1020])(0);
  code[1025] = ADDI_A0(-100);
  fence_i();
  CHECK(((fn_t)(u64)&code[1020])(0), (u64)-93);
  /* fence.i and self-modifying code in U-mode */
  pmp_allow_all();
  CHECK(run_in_mode(PRV_U, u_patch_and_run, 10), 7);
  CHECK(call(10), 7);
  CHECK(run_in_mode(PRV_S, u_patch_and_run, 4), 1);
  return 0;
}
