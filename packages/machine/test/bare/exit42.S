# Exits through the sifive_test finisher with status 42: (42 << 16) | 0x3333.
.section .text.start
.globl _start
_start:
  li t0, 0x100000
  li t1, (42 << 16) | 0x3333
  sw t1, 0(t0)
1: j 1b
