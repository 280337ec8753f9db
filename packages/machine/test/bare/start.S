# Entry for the C helper programs: M-mode, FPU on, stack, call main_(), then exit through the
# sifive_test finisher: 0x5555 when main_ returned 0, else (code << 16) | 0x3333.
.section .text.start
.globl _start
_start:
  la sp, stack_top
  li t0, 0x2000            # mstatus.FS = Initial
  csrs mstatus, t0
  call main_
  li t1, 0x100000
  beqz a0, 1f
  slli a0, a0, 16
  li t0, 0x3333
  or a0, a0, t0
  j 2f
1:li a0, 0x5555
2:sw a0, 0(t1)
3:j 3b
