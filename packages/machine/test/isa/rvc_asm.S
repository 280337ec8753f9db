/* Compressed-instruction test functions for rvc.c. Each function uses explicit c.*
   mnemonics (so the assembler must emit the 16-bit encoding) and returns a result in a0.
   Functions named *_len return the byte distance between two labels to prove the
   encoding size. a0 = argument pointer/value where noted. */
  .text
  .option rvc
#define FN(name) .globl name; .type name, @function; .balign 4; name:

FN(c_li)        c.li a0, -32
                ret
FN(c_li_pos)    c.li a0, 31
                ret
FN(c_lui)       c.lui a0, 0x1f
                ret
FN(c_lui_neg)   c.lui a0, 0xfffff           /* nzimm = -1 -> 0xfffffffffffff000 */
                ret
FN(c_lui_neg2)  c.lui a0, 0xfffe0           /* nzimm = -32 -> 0xfffffffffffe0000 */
                ret
FN(c_addi)      li a0, 5
                c.addi a0, -6
                ret
FN(c_addi_max)  li a0, 0
                c.addi a0, 31
                ret
FN(c_addiw)     li a0, 0x7fffffff
                c.addiw a0, 1
                ret
FN(c_addiw0)    li a0, 0xffffffff           /* c.addiw rd, 0 = sext.w */
                c.addiw a0, 0
                ret
FN(c_addi16sp)  mv t0, sp
                c.addi16sp sp, -64
                sub a0, t0, sp
                c.addi16sp sp, 64
                sub t0, t0, sp
                or a0, a0, t0               /* 64 | 0 */
                ret
FN(c_addi16sp_max) mv t0, sp
                c.addi16sp sp, -512
                sub a0, t0, sp
                c.addi16sp sp, 496
                c.addi16sp sp, 16
                ret
FN(c_addi4spn)  c.addi4spn a0, sp, 8
                sub a0, a0, sp
                ret
FN(c_addi4spn_max) c.addi4spn a1, sp, 1020
                sub a0, a1, sp
                ret
FN(c_slli)      li a0, 1
                c.slli a0, 63
                ret
FN(c_srli)      li a0, -1
                c.srli a0, 60
                ret
FN(c_srai)      li a0, 0x8000000000000000
                c.srai a0, 63
                ret
FN(c_srai1)     li s1, 0x8000000000000000
                c.srai s1, 1
                mv a0, s1
                ret
FN(c_andi)      li a0, -1
                c.andi a0, -32
                ret
FN(c_andi2)     li a0, 0x1ff
                c.andi a0, 0x1f
                ret
FN(c_mv)        li t1, 0x123456789
                c.mv a0, t1
                ret
FN(c_add)       li a0, 40
                li t2, 2
                c.add a0, t2
                ret
FN(c_sub)       li a0, 2
                li a1, 5
                c.sub a0, a1
                ret
FN(c_xor)       li a0, 0xff00
                li a2, 0x0ff0
                c.xor a0, a2
                ret
FN(c_or)        li a0, 0xff00
                li a3, 0x0ff0
                c.or a0, a3
                ret
FN(c_and)       li a0, 0xff00
                li a4, 0x0ff0
                c.and a0, a4
                ret
FN(c_addw)      li a0, 0x7fffffff
                li a5, 1
                c.addw a0, a5
                ret
FN(c_subw)      li a0, 0x80000000
                li a5, 1
                c.subw a0, a5
                ret
FN(c_subw2)     li a0, 0
                li a5, 1
                c.subw a0, a5
                ret

/* loads/stores: a0 = pointer to 4 dwords: [0]=0x8081828384858687, [1..3] scratch */
FN(c_lw)        c.lw a0, 4(a0)
                ret
FN(c_ld)        c.ld a0, 0(a0)
                ret
FN(c_sw)        li a1, 0x11223344
                c.sw a1, 8(a0)
                c.ld a0, 8(a0)
                ret
FN(c_sd)        li a1, 0x0102030405060708
                c.sd a1, 16(a0)
                c.ld a0, 16(a0)
                ret
FN(c_sp_mem)    c.addi16sp sp, -32
                li t0, 0xfedcba9876543210
                c.sdsp t0, 8(sp)
                c.ldsp t1, 8(sp)
                c.lwsp t2, 8(sp)            /* low word 0x76543210 */
                c.lwsp t3, 12(sp)           /* high word 0xfedcba98 -> sign extended */
                li t4, 0x55aa
                c.swsp t4, 16(sp)
                c.lwsp t5, 16(sp)
                add a0, t1, t2
                add a0, a0, t3
                add a0, a0, t5
                c.addi16sp sp, 32
                ret
/* a0 = pointer to 2 doubles; returns the bits of c.fld/c.fsd/c.fldsp/c.fsdsp round trips */
FN(c_fp_mem)    c.fld fa0, 0(a0)
                c.fsd fa0, 8(a0)
                c.addi16sp sp, -16
                c.fsdsp fa0, 0(sp)
                c.fldsp fa1, 0(sp)
                c.addi16sp sp, 16
                fmv.x.d a0, fa1
                ret

/* control transfer */
FN(c_j)         li a0, 1
                c.j 1f
                li a0, 2
1:              ret
FN(c_jr)        la t0, 1f
                li a0, 1
                c.jr t0
                li a0, 2
1:              ret
FN(c_jalr)      mv t6, ra
                la t0, 2f
1:              c.jalr t0
3:              mv ra, t6
                ret
2:              la t1, 1b                   /* returns link - address of c.jalr (= 2) */
                sub a0, ra, t1
                c.jr ra
FN(c_beqz)      li a0, 0
                li a1, 0
                c.beqz a1, 1f
                li a0, 5
1:              li a1, 1
                c.beqz a1, 2f
                addi a0, a0, 10             /* not taken: a0 = 10 */
2:              ret
FN(c_bnez)      li a0, 0
                li a1, 7
                c.bnez a1, 1f
                li a0, 5
1:              li a1, 0
                c.bnez a1, 2f
                addi a0, a0, 20             /* not taken: a0 = 20 */
2:              ret
FN(c_bnez_back) li a0, 0
                li a1, 5
1:              c.addi a0, 3
                c.addi a1, -1
                c.bnez a1, 1b
                ret
FN(c_nop)       li a0, 9
                c.nop
                ret

/* encoding sizes */
FN(len_c)       la a0, 2f
                la a1, 1f
                sub a0, a0, a1
                ret
1:              c.addi a0, 1
                c.nop
                c.mv a1, a2
2:
FN(len_full)    la a0, 2f
                la a1, 1f
                sub a0, a0, a1
                ret
                .option push
                .option norvc
1:              addi a0, a0, 1
                .option pop
2:

/* a 32-bit instruction at an address = 2 mod 4, right after a 16-bit one */
FN(c_unaligned32) c.li a0, 0
                addi a0, a0, 100            /* 4 bytes at offset 2 mod 4 */
                c.addi a0, 1
                .option push
                .option norvc
                addi a0, a0, 1000           /* 4-aligned again */
                .option pop
                ret

/* a 32-bit instruction that straddles a 4 KiB page boundary (offset 4094) */
                .balign 4096
                .skip 4096 - 8
                .globl c_cross_page
c_cross_page:   c.li a0, 0                  /* offset 4088 */
                c.nop
                c.nop
                .option push
                .option norvc
                addi a0, a0, 77             /* offset 4094: bytes 4094..4097 */
                .option pop
                c.addi a0, 1
                ret
/* c.ebreak: the caller sets up trap handling; returns after the trap */
FN(do_c_ebreak) c.ebreak
                ret
