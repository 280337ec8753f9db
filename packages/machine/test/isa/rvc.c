/* rvc: the C extension. Every compressed instruction form valid on RV64 is executed and
   its result compared with what the expanded 32-bit instruction gives. Also: encoding
   sizes, a 32-bit instruction at a 2-mod-4 address and one across a page boundary, c.jalr link = pc + 2, c.ebreak. */
#include "test.h"

#define DECL(n) u64 n(u64);
DECL(c_li) DECL(c_li_pos) DECL(c_lui) DECL(c_lui_neg) DECL(c_lui_neg2) DECL(c_addi)
DECL(c_addi_max) DECL(c_addiw) DECL(c_addiw0) DECL(c_addi16sp) DECL(c_addi16sp_max)
DECL(c_addi4spn) DECL(c_addi4spn_max) DECL(c_slli) DECL(c_srli) DECL(c_srai) DECL(c_srai1)
DECL(c_andi) DECL(c_andi2) DECL(c_mv) DECL(c_add) DECL(c_sub) DECL(c_xor) DECL(c_or)
DECL(c_and) DECL(c_addw) DECL(c_subw) DECL(c_subw2) DECL(c_lw) DECL(c_ld) DECL(c_sw)
DECL(c_sd) DECL(c_sp_mem) DECL(c_fp_mem) DECL(c_j) DECL(c_jr) DECL(c_jalr) DECL(c_beqz)
DECL(c_bnez) DECL(c_bnez_back) DECL(c_nop) DECL(len_c) DECL(len_full) DECL(c_unaligned32)
DECL(do_c_ebreak) DECL(c_cross_page)

static volatile u64 buf[4] __attribute__((aligned(16)));

int main(void)
{
  section("alu");
  CHECK(c_li(0), -32);
  CHECK(c_li_pos(0), 31);
  CHECK(c_lui(0), 0x1f000);
  CHECK(c_lui_neg(0), 0xfffffffffffff000ULL);
  CHECK(c_lui_neg2(0), 0xfffffffffffe0000ULL);
  CHECK(c_addi(0), -1);
  CHECK(c_addi_max(0), 31);
  CHECK(c_addiw(0), 0xffffffff80000000ULL);
  CHECK(c_addiw0(0), 0xffffffffffffffffULL);
  CHECK(c_addi16sp(0), 64);
  CHECK(c_addi16sp_max(0), 512);
  CHECK(c_addi4spn(0), 8);
  CHECK(c_addi4spn_max(0), 1020);
  CHECK(c_slli(0), 0x8000000000000000ULL);
  CHECK(c_srli(0), 0xf);
  CHECK(c_srai(0), 0xffffffffffffffffULL);
  CHECK(c_srai1(0), 0xc000000000000000ULL);
  CHECK(c_andi(0), 0xffffffffffffffe0ULL);
  CHECK(c_andi2(0), 0x1f);
  CHECK(c_mv(0), 0x123456789ULL);
  CHECK(c_add(0), 42);
  CHECK(c_sub(0), -3);
  CHECK(c_xor(0), 0xf0f0);
  CHECK(c_or(0), 0xfff0);
  CHECK(c_and(0), 0x0f00);
  CHECK(c_addw(0), 0xffffffff80000000ULL);
  CHECK(c_subw(0), 0x7fffffff);
  CHECK(c_subw2(0), 0xffffffffffffffffULL);
  section("loads/stores");
  buf[0] = 0x8081828384858687ULL; buf[1] = buf[2] = buf[3] = 0;
  CHECK(c_lw((u64)buf), 0xffffffff80818283ULL);
  CHECK(c_ld((u64)buf), 0x8081828384858687ULL);
  CHECK(c_sw((u64)buf), 0x11223344);
  CHECK(c_sd((u64)buf), 0x0102030405060708ULL);
  CHECK(buf[1], 0x11223344);
  CHECK(buf[2], 0x0102030405060708ULL);
  CHECK(c_sp_mem(0), 0xfedcba9876543210ULL + 0x76543210ULL + 0xfffffffffedcba98ULL + 0x55aa);
  buf[0] = 0x400921fb54442d18ULL;  /* pi */
  CHECK(c_fp_mem((u64)buf), 0x400921fb54442d18ULL);
  CHECK(buf[1], 0x400921fb54442d18ULL);
  section("control");
  CHECK(c_j(0), 1);
  CHECK(c_jr(0), 1);
  CHECK(c_jalr(0), 2);
  CHECK(c_beqz(0), 10);
  CHECK(c_bnez(0), 20);
  CHECK(c_bnez_back(0), 15);
  CHECK(c_nop(0), 9);
  section("encoding");
  CHECK(len_c(0), 6);
  CHECK(len_full(0), 4);
  CHECK(c_unaligned32(0), 1101);
  CHECK((u64)c_cross_page & 0xfff, 4088);
  CHECK(c_cross_page(0), 78);
  section("c.ebreak");
  expect_trap();
  do_c_ebreak(0);
  CHECK(trap_count, 1);
  CHECK(trap_cause, CAUSE_BREAKPOINT);
  CHECK(trap_epc, (u64)do_c_ebreak);
  CHECK(insn_len_at((u64)do_c_ebreak), 2);
  return 0;
}
