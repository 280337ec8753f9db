/* Helpers for the bare-metal ISA tests (see ../README.md for the protocol). */
#ifndef ISA_TEST_H
#define ISA_TEST_H
#include <stdint.h>
#include <stddef.h>
#include "encoding.h"

#define EXIT_MAGIC 0xC2E0

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

struct trapframe {
  u64 x[32];
  u64 epc, cause, tval, status;
};

/* ---- output and exit ---- */
void putch(char c);
void puts_(const char *s);
void puthex(u64 v);
void putdec(u64 v);
void printf_(const char *fmt, ...);   /* %s %c %d %u %x (64-bit) %lx (64-bit) */
void test_exit(u32 code) __attribute__((noreturn));   /* 0 = pass, else fail code */
void finish(int main_rc) __attribute__((noreturn));

/* ---- checks: each CHECK is one numbered test; the first failing number is the exit code ---- */
extern const char *test_name;
extern u32 check_no, first_fail, fail_count;
int check_eq_(int line, const char *expr, u64 got, u64 want);
#define CHECK(got, want) check_eq_(__LINE__, #got, (u64)(got), (u64)(want))
#define CHECK_TRUE(cond) check_eq_(__LINE__, #cond, (u64)!!(cond), 1)
void section(const char *s);

/* ---- traps ---- */
/* The default M-mode (and S-mode) trap handler: when trap_expect > 0, it records the trap in
   trap_* below, decrements trap_expect and resumes at trap_resume (if non-zero, then cleared),
   else at ra for instruction fetch faults (the jump's caller), else after the trapping
   instruction. Otherwise it reports an unexpected trap and fails.
   A hook, when set, runs first; it returns 1 if it handled the trap. */
extern volatile int trap_expect;
extern volatile u64 trap_count, trap_cause, trap_epc, trap_tval, trap_status, trap_resume;
extern volatile int trap_mode;     /* 3 = last trap taken in M, 1 = in S */
extern int (*volatile mtrap_hook)(struct trapframe *f);
extern int (*volatile strap_hook)(struct trapframe *f);
void mtrap_handler(struct trapframe *f);
void strap_handler(struct trapframe *f);
void expect_trap(void);             /* trap_expect = 1, clear the trap_* records */
u64 insn_len_at(u64 pc);
extern char strap_entry[];

/* run fn(arg) in U (PRV_U) or S (PRV_S) mode and return its result */
u64 run_in_mode(int mode, u64 (*fn)(u64), u64 arg);
void resume_m(u64 value) __attribute__((noreturn));
/* allow S/U to access all physical memory through PMP entry 0 */
void pmp_allow_all(void);

extern u64 boot_hartid, boot_fdt;

/* ---- CSR access ---- */
#define csr_read(csr) ({ u64 __v; asm volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); __v; })
#define csr_write(csr, val) ({ asm volatile("csrw " #csr ", %0" :: "rK"((u64)(val)) : "memory"); })
#define csr_set(csr, val) ({ asm volatile("csrs " #csr ", %0" :: "rK"((u64)(val)) : "memory"); })
#define csr_clear(csr, val) ({ asm volatile("csrc " #csr ", %0" :: "rK"((u64)(val)) : "memory"); })
#define csr_swap(csr, val) ({ u64 __v; asm volatile("csrrw %0, " #csr ", %1" : "=r"(__v) : "rK"((u64)(val)) : "memory"); __v; })

/* ---- memory-mapped I/O ---- */
static inline void mmio_w32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u32 mmio_r32(u64 a) { return *(volatile u32 *)a; }
static inline void mmio_w64(u64 a, u64 v) { *(volatile u64 *)a = v; }
static inline u64 mmio_r64(u64 a) { return *(volatile u64 *)a; }

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
