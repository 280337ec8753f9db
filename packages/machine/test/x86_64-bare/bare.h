/* Runtime of the bare PVH test programs: COM1 output, isa-debug-exit, the IDT/TSS, trap
 * recording, page-table helpers. Every program prints only what the CPU architecture defines,
 * so qemu-system-x86_64 and c2w-x86-bare must print the same bytes. */
#ifndef BARE_H
#define BARE_H
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

struct frame { /* isr.S's layout */
  u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  u64 vector, err, rip, cs, rflags, rsp, ss;
};

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static void putc_(char ch) {
  while (!(inb(0x3fd) & 0x20)) {}
  outb(0x3f8, (u8)ch);
}
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(u64 v) {
  char b[19];
  int i = 18;
  b[i] = 0;
  do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  b[--i] = 'x'; b[--i] = '0';
  puts_(b + i);
}
static void kv(const char *k, u64 v) { puts_(k); putc_('='); hex(v); putc_(' '); }
static void nl(void) { putc_('\n'); }
static __attribute__((noreturn)) void exit_(u32 code) {
  /* TEMT: qemu's 8250 holds the last bytes while its stdout pipe is full, and the debug exit
   * would drop them (seen on a loaded host: a line's last characters missing) */
  while (!(inb(0x3fd) & 0x40)) {}
  outl(0xf4, code);
  for (;;) __asm__ volatile("cli; hlt");
}

static inline u64 rdmsr(u32 msr) {
  u32 lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | ((u64)hi << 32);
}
static inline void wrmsr(u32 msr, u64 v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))); }
static inline u64 read_cr0(void) { u64 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr2(void) { u64 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u64 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(u64 va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* lib.c */
extern u64 gdt[], pml4[], pdpt[], pd[];
extern u32 boot32_result[2];
extern u64 tss[13];                    /* 104 bytes: rsp0..2 at 4, ist1..7 at 0x24 (unaligned u64s) */
extern u8 ist1_stack[8192], rsp0_stack[8192];
#define ist1_stack_top (ist1_stack + sizeof ist1_stack)
#define rsp0_stack_top (rsp0_stack + sizeof rsp0_stack)
void setup_tables(void);               /* IDT (256 interrupt gates, DPL 0), TSS in GDT 0x30, LTR */
void set_gate(int vector, int dpl, int ist, int trap_gate);
void idt_gate_present(int vector, int present);
/* the last trap: vector, error code, CR2, the frame's cs/ss/rsp, and how many have been taken */
extern volatile u64 last_vec, last_err, last_cr2, last_cs, last_ss, last_rsp, last_rip, traps;
/* a trap with recover set resumes at recover (once); trap_hook may handle a trap itself (1) */
extern volatile u64 recover;
extern int (*trap_hook)(struct frame *f);
void trap(struct frame *f);
void report_trap(const char *what);   /* prints name vec err [cr2] */
/* isr.S */
void enter_user(void (*fn)(void), u64 user_rsp);
__attribute__((noreturn)) void resume_kernel(void);
void syscall_entry(void);

/* run an access that may fault: sets recover to the label after it */
#define TRY(asm_insn, ...) \
  last_vec = 0xff; /* "no trap" */ \
  __asm__ volatile("lea 1f(%%rip), %%rax\n mov %%rax, recover(%%rip)\n" asm_insn "\n1:\n movq $0, recover(%%rip)" __VA_ARGS__)

#endif
