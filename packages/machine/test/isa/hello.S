/* hello: the smallest test, pure assembly and no C runtime, for bringing up a machine.
   Prints "hello from rv64" on the ns16550a UART, checks a0 (hartid) = 0, then
   writes 0x5555 (pass) to the sifive_test device. */
  .section .text.init, "ax"
  .globl _start
_start:
  mv s0, a0                 /* hartid */
  li t0, 0x10000000         /* UART */
  la t1, msg
1: lbu t2, 0(t1)
  beqz t2, 3f
2: lbu t3, 5(t0)            /* LSR: wait for THR empty */
  andi t3, t3, 0x20
  beqz t3, 2b
  sb t2, 0(t0)
  addi t1, t1, 1
  j 1b
3: li t0, 0x100000          /* sifive_test */
  bnez s0, fail
  li t1, 0x5555
  sw t1, 0(t0)
4: j 4b
fail:
  li t1, (1 << 16) | 0x3333
  sw t1, 0(t0)
  j 4b

  .section .rodata
msg: .asciz "hello from rv64\r\nPASS hello\r\n"
