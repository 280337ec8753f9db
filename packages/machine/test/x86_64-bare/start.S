/* PVH entry of the bare test programs, doing what Linux's arch/x86/platform/pvh/head.S and
 * head_64.S do: start in 32-bit protected mode (EBX = hvm_start_info), load a GDT, far-jump to
 * reload CS, set PAE and PGE, load CR3 with prebuilt page tables (the first GiB identity-mapped in
 * 2 MiB pages), set EFER.LME/NXE/SCE, turn paging on, far-jump into a 64-bit code segment, then
 * call main(start_info) in C. The 32-bit part also exercises INC/DEC (40-4F), PUSH/POP, CALL/RET
 * with 32-bit operands and port output, and leaves its results in boot32_result for main. */
#define X86_CR4_PAE 0x20
#define X86_CR4_PGE 0x80
#define MSR_EFER 0xc0000080

        .pushsection .note.Xen, "a", @note
        .balign 4
        .long 4, 4, 18          /* namesz "Xen", descsz, XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long pvh_start
        .popsection

        .section .text.boot, "ax"
        .code32
        .globl pvh_start
pvh_start:
        cli
        cld
        lgdt gdt_desc
        ljmp $0x40, $1f         /* a 32-bit kernel code segment of our GDT */
1:      mov $0x10, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        mov $boot_stack_top, %esp
        mov %ebx, start_info_pa
        /* 32-bit ISA sample: INC/DEC by their one-byte forms, 32-bit PUSH/POP, CALL/RET */
        mov $5, %ecx
        mov $0x100, %edi
2:      inc %edi                /* 0x47 */
        dec %ecx                /* 0x49 */
        jnz 2b
        push %edi
        call add32
        pop %eax
        mov %eax, boot32_result
        mov %esp, boot32_result + 4
        /* "32" on COM1 from 32-bit code */
        mov $0x3f8, %dx
        mov $'3', %al
        outb %al, %dx
        mov $'2', %al
        outb %al, %dx
        mov $'\n', %al
        outb %al, %dx
        /* long mode, the way Linux enters it */
        mov %cr4, %eax
        or $(X86_CR4_PAE | X86_CR4_PGE), %eax
        mov %eax, %cr4
        mov $pml4, %eax
        mov %eax, %cr3
        mov $MSR_EFER, %ecx
        rdmsr
        bts $8, %eax            /* LME */
        bts $11, %eax           /* NXE */
        bts $0, %eax            /* SCE */
        wrmsr
        mov %cr0, %eax
        or $0x80010001, %eax    /* PG WP PE */
        mov %eax, %cr0
        ljmp $0x08, $long_entry

add32:  /* [esp+4] += 0x1000, 32-bit frame */
        push %ebp
        mov %esp, %ebp
        addl $0x1000, 8(%ebp)
        pop %ebp
        ret

        .code64
long_entry:
        mov $0x10, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        xor %eax, %eax
        mov %eax, %fs
        mov %eax, %gs
        mov $boot_stack_top, %rsp
        mov start_info_pa(%rip), %edi
        call main
        mov $0xf4, %dx          /* main returned: exit status 1 ((0 << 1) | 1) */
        xor %eax, %eax
        out %eax, %dx
        hlt

        .data
        .balign 8
        .globl gdt, boot32_result, start_info_pa
gdt:    .quad 0
        .quad 0x00af9a000000ffff /* 0x08 kernel code, 64-bit */
        .quad 0x00cf92000000ffff /* 0x10 kernel data */
        .quad 0x00cffa000000ffff /* 0x18 user code, 32-bit (SYSRET's base) */
        .quad 0x00cff2000000ffff /* 0x20 user data */
        .quad 0x00affa000000ffff /* 0x28 user code, 64-bit */
        .quad 0, 0               /* 0x30 TSS, filled by tables.c */
        .quad 0x00cf9a000000ffff /* 0x40 kernel code, 32-bit */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
start_info_pa: .long 0
boot32_result: .long 0, 0

        .section .data.pagetables, "aw"
        .balign 4096
        .globl pml4, pdpt, pd
pml4:   .quad pdpt + 0x7        /* P RW US: user mappings below are allowed by the upper levels */
        .fill 511, 8, 0
pdpt:   .quad pd + 0x7
        .fill 511, 8, 0
pd:     .set i, 0
        .rept 512
        .quad (i << 21) | 0x83  /* 2 MiB, P RW, supervisor */
        .set i, i + 1
        .endr

        .bss
        .balign 16
        .space 16384
boot_stack_top:
        .section .note.GNU-stack, "", @progbits
