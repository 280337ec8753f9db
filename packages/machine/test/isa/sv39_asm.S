/* U-mode helpers for sv39.c. They run through the U alias mapping of the image, use no
   stack and leave through the EXIT_MAGIC ecall themselves (run_in_mode's return path is in
   a page U-mode cannot execute). */
  .text
  .balign 4
  .globl u_ld, u_sd, u_call
u_ld:   ld a0, 0(a0)
        j u_exit
u_sd:   li t0, 0x5a
        sd t0, 0(a0)
        li a0, 1
        j u_exit
u_call: jalr a0
u_exit: li a7, 0xC2E0
        ecall
1:      j 1b
