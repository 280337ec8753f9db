/* interrupt and exception entry stubs (16 bytes each, vector n at isr_stubs + 16 n): push a zero
 * where the CPU pushes no error code, the vector, the general registers, call trap(frame), and
 * IRETQ with whatever trap() left in the frame. Also the SYSCALL entry and the ring-3 round trip. */
        .text
        .code64
        .balign 16
        .globl isr_stubs
isr_stubs:
        .set n, 0
        .rept 256
        .balign 16
        .if (n == 8) || ((n >= 10) && (n <= 14)) || (n == 17) || (n == 21)
        .else
        pushq $0
        .endif
        pushq $n
        jmp isr_common
        .set n, n + 1
        .endr

isr_common:
        push %rax; push %rbx; push %rcx; push %rdx; push %rsi; push %rdi; push %rbp
        push %r8; push %r9; push %r10; push %r11; push %r12; push %r13; push %r14; push %r15
        mov %rsp, %rdi
        call trap
        pop %r15; pop %r14; pop %r13; pop %r12; pop %r11; pop %r10; pop %r9; pop %r8
        pop %rbp; pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rbx; pop %rax
        add $16, %rsp
        iretq

/* SYSCALL: swap to the kernel GS (percpu: [0] kernel stack, [8] the user's rsp), call
 * do_syscall(regs) with rax rcx r11 rdi and the segment selectors, SYSRETQ */
        .globl syscall_entry
syscall_entry:
        swapgs
        mov %rsp, %gs:8
        mov %gs:0, %rsp
        push %r11
        push %rcx
        push %rax
        push %rdi
        mov %cs, %eax
        push %rax
        mov %ss, %eax
        push %rax
        mov %rsp, %rdi
        call do_syscall
        add $16, %rsp
        pop %rdi
        pop %rax
        pop %rcx
        pop %r11
        mov %gs:8, %rsp
        swapgs
        sysretq

/* enter_user(fn, user_rsp): IRETQ to fn at CPL 3 (IF clear); the ring-3 code comes back with
 * INT 0x82, whose handler calls resume_kernel(), returning from enter_user */
        .globl enter_user, resume_kernel
enter_user:
        push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15
        mov %rsp, saved_kernel_rsp(%rip)
        pushq $0x23
        push %rsi
        pushq $0x2
        pushq $0x2b
        push %rdi
        iretq
resume_kernel:
        mov saved_kernel_rsp(%rip), %rsp
        pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx
        ret

        .data
        .balign 8
saved_kernel_rsp: .quad 0
        .section .note.GNU-stack, "", @progbits
