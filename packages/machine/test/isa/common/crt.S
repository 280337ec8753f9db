/* Start-up and trap entry code shared by all ISA test programs.
   Entered in M-mode at 0x80000000 with a0 = hartid, a1 = fdt. */
#include "encoding.h"

#define FRAME 288           /* 32 GPRs + epc, cause, tval, status */
#define EXIT_MAGIC 0xC2E0   /* a7 value of the ecall that ends run_in_mode() */

  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, _stack_top
  la t0, boot_hartid
  sd a0, 0(t0)
  la t0, boot_fdt
  sd a1, 0(t0)
  /* clear .bss */
  la t0, _bss_start
  la t1, _bss_end
1: bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  /* traps: direct mode to mtrap_entry; mscratch = M trap stack */
  la t0, mtrap_entry
  csrw mtvec, t0
  la t0, _mtrap_stack_top
  csrw mscratch, t0
  la t0, _strap_stack_top
  csrw sscratch, t0
  /* FPU on (FS = Initial), interrupts off; clear fcsr */
  li t0, MSTATUS_MIE | MSTATUS_FS
  csrc mstatus, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrw fcsr, zero
  csrw mie, zero
  call main
  /* main returned a0: 0 = pass */
  call finish
3: j 3b

/* ---- M-mode trap entry --------------------------------------------------- */
  .text
  .balign 4
  .globl mtrap_entry
mtrap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, mscratch
  sd t0, 16(sp)
  csrr t0, mepc
  sd t0, 256(sp)
  csrr t0, mcause
  sd t0, 264(sp)
  csrr t0, mtval
  sd t0, 272(sp)
  csrr t0, mstatus
  sd t0, 280(sp)
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  mv a0, sp
  call mtrap_handler
  ld t0, 256(sp)
  csrw mepc, t0
  ld t0, 280(sp)
  csrw mstatus, t0
  addi t0, sp, FRAME
  csrw mscratch, t0
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  ld sp, 16(sp)
  mret

/* ---- S-mode trap entry (stvec), same frame layout ----------------------- */
  .balign 4
  .globl strap_entry
strap_entry:
  csrrw sp, sscratch, sp
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, sscratch
  sd t0, 16(sp)
  csrr t0, sepc
  sd t0, 256(sp)
  csrr t0, scause
  sd t0, 264(sp)
  csrr t0, stval
  sd t0, 272(sp)
  csrr t0, sstatus
  sd t0, 280(sp)
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  mv a0, sp
  call strap_handler
  ld t0, 256(sp)
  csrw sepc, t0
  ld t0, 280(sp)
  csrw sstatus, t0
  addi t0, sp, FRAME
  csrw sscratch, t0
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  ld sp, 16(sp)
  sret

/* ---- run_in_mode(mode, fn, arg): run fn(arg) in U (0) or S (1) mode --------
   fn returns into lower_exit, which ecalls with a7 = EXIT_MAGIC; the M trap
   handler then calls resume_m(a0) and run_in_mode returns fn's value. */
  .globl run_in_mode
run_in_mode:
  la t0, m_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  sd s2, 32(t0)
  sd s3, 40(t0)
  sd s4, 48(t0)
  sd s5, 56(t0)
  sd s6, 64(t0)
  sd s7, 72(t0)
  sd s8, 80(t0)
  sd s9, 88(t0)
  sd s10, 96(t0)
  sd s11, 104(t0)
  li t1, MSTATUS_MPP
  csrc mstatus, t1
  slli t2, a0, 11
  csrs mstatus, t2
  csrw mepc, a1
  mv a0, a2
  la sp, _lower_stack_top
  la ra, lower_exit
  mret
  .globl lower_exit
lower_exit:
  li a7, EXIT_MAGIC
  ecall
1: j 1b

  .globl resume_m
resume_m:
  la t1, _mtrap_stack_top
  csrw mscratch, t1
  la t1, _strap_stack_top
  csrw sscratch, t1
  la t0, m_ctx
  ld ra, 0(t0)
  ld sp, 8(t0)
  ld s0, 16(t0)
  ld s1, 24(t0)
  ld s2, 32(t0)
  ld s3, 40(t0)
  ld s4, 48(t0)
  ld s5, 56(t0)
  ld s6, 64(t0)
  ld s7, 72(t0)
  ld s8, 80(t0)
  ld s9, 88(t0)
  ld s10, 96(t0)
  ld s11, 104(t0)
  ret

  .bss
  .balign 8
m_ctx: .skip 8*14
  .globl boot_hartid, boot_fdt
boot_hartid: .skip 8
boot_fdt: .skip 8
