/* x86-64 CPU: architectural state and the interfaces between its files (Intel SDM vol. 1 ch. 3,
 * AMD64 APM vol. 2 ch. 1). 64-bit and 32-bit (flat) code, CPL 0 and 3, 4-level paging, the
 * 64-bit IDT; see docs/decisions/0019-x86_64-cpu.md and 0022-x86_64-system.md. All state is in struct X86Cpu (no globals), so a
 * linear-memory snapshot captures it; faults are return codes, never longjmp. */
#ifndef C2W_X86_H
#define C2W_X86_H
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include "x86_f80.h"

#define X86_LIKELY(x) __builtin_expect(!!(x), 1)
#define X86_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* general registers in encoding order (SDM vol. 2 table 2-2) */
enum { R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };

/* RFLAGS (SDM vol. 1 3.4.3) */
#define FLAG_CF (1u << 0)
#define FLAG_FIXED1 (1u << 1)
#define FLAG_PF (1u << 2)
#define FLAG_AF (1u << 4)
#define FLAG_ZF (1u << 6)
#define FLAG_SF (1u << 7)
#define FLAG_TF (1u << 8)
#define FLAG_IF (1u << 9)
#define FLAG_DF (1u << 10)
#define FLAG_OF (1u << 11)
#define FLAG_ID (1u << 21)
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

/* exceptions (SDM vol. 3 6.3.1) as return codes: EXC_BASE + vector, so that 0 stays "done";
 * X86_STOP_* are not exceptions but reasons to leave the run loop that the caller (the board or
 * the user-mode runner) handles; X86_OK says an instruction set rip itself */
#define EXC_BASE 128
#define X86_VECTOR(e) ((e) - EXC_BASE)
enum {
  EXC_DE = EXC_BASE + 0, EXC_DB = EXC_BASE + 1, EXC_BP = EXC_BASE + 3, EXC_OF = EXC_BASE + 4,
  EXC_UD = EXC_BASE + 6, EXC_NM = EXC_BASE + 7, EXC_DF = EXC_BASE + 8, EXC_TS = EXC_BASE + 10,
  EXC_NP = EXC_BASE + 11, EXC_SS = EXC_BASE + 12, EXC_GP = EXC_BASE + 13, EXC_PF = EXC_BASE + 14,
  EXC_MF = EXC_BASE + 16, EXC_AC = EXC_BASE + 17, EXC_XM = EXC_BASE + 19,
  X86_OK = -1, X86_STOP_SYSCALL = 256, X86_STOP_HLT = 257, X86_STOP_BUDGET = 258,
  /* a fault while delivering #DF: the processor shuts down (SDM vol. 3 6.15 interrupt 8) */
  X86_STOP_SHUTDOWN = 259,
  /* the instruction completed and may have unmasked interrupts: leave the loop so x86_run's entry
   * looks at the board's interrupt line (X86_EVENT: rip not yet advanced; X86_EVENT_JUMPED: set) */
  X86_EVENT = -2, X86_EVENT_JUMPED = -3,
  /* a fused compare and Jcc (X86K_CMP_JCC) ran both: the branch not taken (rip not yet advanced)
   * or taken (rip set) */
  X86_FUSED = -4, X86_FUSED_TAKEN = -5,
};

/* the TSC's rate, which CPUID leaves 0x15/0x16 announce (x86_system.c) and the board's RTC and clock
 * use: one tick per nanosecond, a retired instruction or host time (ADR 0050) */
#define X86_TSC_HZ 1000000000ULL

/* MXCSR (SDM vol. 1 10.2.3) */
#define MXCSR_IE (1u << 0)
#define MXCSR_DE (1u << 1)
#define MXCSR_ZE (1u << 2)
#define MXCSR_OE (1u << 3)
#define MXCSR_UE (1u << 4)
#define MXCSR_PE (1u << 5)
#define MXCSR_RC_SHIFT 13
#define MXCSR_DEFAULT 0x1f80u

/* model-specific registers the CPU keeps (SDM vol. 4 table 2-2) */
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* control registers (SDM vol. 3 2.5) */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)

/* segment registers in encoding order (SDM vol. 2 3.1.1.1 Sreg) with their descriptor caches */
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };
typedef struct X86Seg {
  uint16_t sel;
  uint16_t attr;   /* descriptor bits 40..55: type, S, DPL, P, (limit 19:16), AVL, L, D/B, G */
  uint32_t limit;
  uint64_t base;   /* FS and GS keep theirs in fs_base/gs_base */
} X86Seg;
#define SEG_ATTR_DPL(a) (((a) >> 5) & 3)
#define SEG_ATTR_P 0x80
#define SEG_ATTR_L 0x2000
#define SEG_ATTR_D 0x4000
typedef struct X86Dtr { uint64_t base; uint32_t limit; } X86Dtr;

/* what the CPU asks of its board: port I/O, physical accesses outside RAM (MMIO), and the
 * external interrupt line. Any callback may be NULL (reads give all ones, writes are dropped,
 * no interrupts). intr is asked only when RFLAGS.IF = 1 and no interrupt shadow is active: it
 * returns the vector of the highest-priority pending interrupt and acknowledges it (INTA), or -1. */
typedef struct X86Bus {
  void *ctx;
  uint32_t (*io_in)(void *ctx, uint16_t port, int size);
  void (*io_out)(void *ctx, uint16_t port, int size, uint32_t val);
  uint64_t (*mmio_read)(void *ctx, uint64_t pa, int size);
  void (*mmio_write)(void *ctx, uint64_t pa, int size, uint64_t val);
  int (*intr)(void *ctx);
  /* optional, called as the guest reads the TSC (RDTSC, IA32_TIME_STAMP_COUNTER): a board whose
   * TSC follows a host clock moves tsc_offset up to it (microvm.c); NULL: the count alone */
  void (*tsc_sync)(void *ctx);
} X86Bus;

/* software TLB (x86_mmu.c): direct mapped, one array per access kind and privilege, so a hit
 * means "allowed"; an entry maps a 4 KiB linear page to host memory (addend + va) */
#define X86_TLB_LARGE 4
#define X86_TLB_SIZE 1024 /* per kind and privilege; 256 missed often on python (ADR 0053) */
enum { ACC_R = 0, ACC_W = 1, ACC_X = 2 };
typedef struct X86TlbEntry { uint64_t tag, addend; } X86TlbEntry;

typedef union X86Xmm {
  uint8_t b[16];
  uint16_t w[8];
  uint32_t d[4];
  uint64_t q[2];
} X86Xmm;

/* a decoded instruction (SDM vol. 2 ch. 2 instruction format) */
enum { SEG_NONE = 0, SEG_FS = 1, SEG_GS = 2 };
enum { REP_NONE = 0, REP_F3 = 1, REP_F2 = 2 };
typedef struct X86Insn { /* 32 bytes: with its code bytes, a 48-byte block slot (x86_block.c) */
  uint16_t op;       /* opcode: 0x0xx one-byte map, 0x1xx 0F map */
  uint8_t len;
  uint8_t osize;     /* operand size in bytes: 2, 4, 8 */
  uint8_t asize;     /* address size: 4 or 8 */
  uint8_t rep;       /* REP_*: F3/F2 as repeat prefixes or SSE mandatory prefixes */
  uint8_t rex;
  uint8_t seg;
  uint8_t mod, reg, rm; /* reg and rm include REX.R / REX.B */
  /* the effective address' base and index: indices of X86Cpu.ea_reg, X86_EA_ZERO for none;
   * a RIP-relative operand has base X86_EA_RIP and its length folded into disp (x86_decode) */
  uint8_t base, index;
  uint8_t scale;
  uint8_t ssize;     /* stack operand size of PUSH/POP/CALL/RET: 8 (2 with 66) in 64-bit mode, 4 in 32-bit */
  uint8_t kind;      /* X86K_*: a common form the run loop handles without the general paths */
  /* chain: a direct branch's (JCC, JMP and CALL rel, which have no displacement) arena slot of
   * its target in the same page, set when the branch is taken and the target's block exists;
   * chain_n slots run from there (0 = not chained). The run loop goes there without a map lookup
   * (ADR 0055) */
  union { int32_t disp; uint32_t chain; };
  uint16_t imm2;     /* ENTER's second immediate, a far pointer's selector */
  bool opsize_prefix : 1; /* 66 seen: SSE mandatory prefix, or 16-bit operands */
  bool lock : 1;
  bool has_rex : 1;
  bool has_modrm : 1;
  uint8_t chain_n;
  uint64_t imm;
} X86Insn;
_Static_assert(sizeof(X86Insn) == 32, "a decoded instruction is a 32-byte block slot");
enum { X86K_GENERIC, X86K_ALU_RR, X86K_MOV_RR, X86K_MOV_LOAD, X86K_MOV_STORE, X86K_JCC, X86K_LEA, X86K_SHIFT_RI,
       /* ADR 0035: register destination in rm for the forms without a ModR/M byte */
       X86K_ALU_RI, X86K_TEST_RR, X86K_MOV_RI, X86K_PUSH_R, X86K_POP_R, X86K_CALL, X86K_RET,
       X86K_ALU_RM, X86K_ALU_MR, X86K_ALU_MI, /* reg op= mem, mem op= reg, mem op= imm */
       /* ADR 0039: byte and 16-bit forms, and the next commonest of a boot's general paths */
       X86K_ALU8, X86K_MOV8, X86K_TEST, X86K_MOV_MI, X86K_INCDEC, X86K_JMP, X86K_MOVX, X86K_MOVSXD,
       /* ADR 0053: CMP (register, memory or immediate forms) or TEST of registers, with the Jcc in the next slot */
       X86K_CMP_JCC,
       /* ADR 0058: a byte CMP (ALU8) or a TEST of the general paths (X86K_TEST), then a Jcc: the pair
        * commonest in a Linux boot after the ones above (cmpb $0, (%rax); je) */
       X86K_FLAGS_JCC,
       /* ADR 0059: the commonest of the general paths left (CMOVcc and SETcc, MOV r/m, imm of a
        * register, the hint NOPs) */
       X86K_CMOV, X86K_SETCC, X86K_NOP,
       X86K_XMM_LOAD, X86K_XMM_STORE, /* MOVAPS/MOVAPD, MOVUPS/MOVUPD, MOVDQA/MOVDQU: 16 bytes */
       X86K_JMP_IND };                /* CALL and JMP r/m64 (FF /2, /4) */

/* decoded-instruction cache, direct mapped by rip: an entry is used only while the bytes at rip
 * (8, or 16 for a longer instruction) are still those it was decoded from, so stores into code
 * need no tracking. Since the block cache (below, ADR 0035) it holds only what blocks do not:
 * instructions that cross into the next page and those of pages outside the fetch fast path */
#define X86_DC_SIZE 2048
typedef struct X86Decoded { /* 48 bytes */
  uint64_t rip;
  uint64_t raw[2];
  X86Insn insn;
} X86Decoded;

/* decoded blocks (x86_block.c, ADR 0035): the instructions from an entry rip on, in execution
 * order in consecutive slots of an arena, up to an unconditional transfer, X86_BLK_MAX of them or
 * an instruction that crosses the page's end (ADR 0059). The map is direct mapped by rip and has an entry for every
 * instruction of a block (its slot and the slots left: a jump into the middle runs them, ADR
 * 0039); the arena is refilled from its start (and the map cleared) when full. An entry is valid
 * while its generation is the code generation of the frame the fetch page maps now (code_gen,
 * ADR 0055): unique across frames, so it also tells a page mapped elsewhere since */
#define X86_BLK_MAX 32
#define X86_BLK_MAP 262144 /* an entry per instruction (ADR 0039): as many as the arena has slots */
#define X86_BLK_ARENA 262144 /* 8 MiB of slots: python refilled 128 Ki many times a run (ADR 0053) */
typedef struct X86Slot { X86Insn insn; } X86Slot; /* 32 bytes: no code bytes since ADR 0055 */
typedef struct X86BlockRef { uint64_t rip; uint32_t start : 24, n : 8; uint32_t gen; } X86BlockRef; /* rip 1 = empty */
_Static_assert(X86_BLK_ARENA <= 1 << 24 && X86_BLK_MAX < 256, "X86BlockRef's start and n fields");
static inline uint32_t x86_blk_hash(uint64_t rip) { return (uint32_t)(rip ^ (rip >> 12)) & (X86_BLK_MAP - 1); }

enum { X86_EA_RIP = 16, X86_EA_ZERO = 17, X86_EA_ONE = 18, X86_EA_FS = 19, X86_EA_GS = 20 };
typedef struct X86Cpu {
  /* ea_reg: the general registers, rip, the constants 0 and 1 and the FS and GS bases as one
   * array, so an effective address reads base and index without a test for their absence or for
   * a segment (ADR 0059; x86_reset sets the constants) */
  union {
    struct { uint64_t r[16]; uint64_t rip; uint64_t ea_zero, ea_one; uint64_t fs_base, gs_base; };
    uint64_t ea_reg[21];
  };
  uint64_t rflags;     /* arithmetic bits valid only when cc_op == CC_NONE (x86_flags_sync) */
  /* lazy flags: the last ADD/SUB/CMP/logic/shift operation's operands and result; RFLAGS is
   * computed from them only when read (QEMU's cc_op scheme, for the common cases) */
  uint8_t cc_op, cc_size;
  uint64_t cc_a, cc_b, cc_res;
  uint64_t kernel_gs_base;
  X86Xmm xmm[16];
  uint32_t mxcsr;
  uint16_t fcw, fsw;   /* x87 control and status words */
  uint8_t ftw;         /* x87 tags, abridged (FXSAVE's form): bit set = register in use */
  F80 fpr[8];          /* x87 data registers R0..R7 by physical number; ST(i) = R[(TOP + i) & 7] */
  uint64_t efer, star, lstar, cstar, fmask;
  uint64_t tsc_offset;
  uint64_t instret;
  bool user_syscall;   /* SYSCALL stops the run loop (user-mode runner) instead of entering LSTAR */
  /* memory: the flat window linear mem_base .. + mem_size at host mem, the accessors' first check
   * (the user-mode runner's whole memory; the board's RAM while paging is off, empty while it is
   * on, so paging costs the flat case nothing); guest-physical RAM is mem .. + ram_size */
  uint8_t *mem;
  uint64_t mem_base, mem_size, ram_size;
  uint64_t fault_addr; /* address of the last failed access (#PF's CR2) */
  /* the code page of the last fetch: linear fetch_va (4 KiB aligned; 1 = none) is at host
   * fetch_addend + fetch_va. Valid while its fetch TLB entry or the flat window is unchanged and
   * the CPL the same: x86_fetch_forget at every flush, request_stop, CPL change and slice start */
  uint64_t fetch_va, fetch_addend;
  /* the end of the slots x86_run is running (host address), 0 once the fetch page is forgotten:
   * the loop's one test after an instruction covers both (ADR 0058) */
  uintptr_t run_lim;
  uint32_t fetch_gen;  /* the code generation of the fetch page's frame (code_gen without X86_CODE_WMAPPED) */
  /* page-granular code tracking (x86_mmu.c, ADR 0055): per 4 KiB frame of mem (guest RAM, or the
   * user-mode runner's window), the generation of the blocks decoded from it, 0 = none. A store
   * to a frame with blocks gives it 0 (x86_code_written), so they are never run again; the next
   * block built there takes a new generation (code_next). No write TLB entry maps a frame with
   * blocks: X86_CODE_WMAPPED marks one that may have such entries, dropped when a block is built */
  uint32_t *code_gen;
  uint64_t code_frames;
  uint32_t code_next;
  /* ---- system state (docs/decisions/0022); the user-mode runner leaves system false ---- */
  bool system;         /* exceptions go through the IDT, privileged instructions run */
  bool paging;         /* CR0.PG with EFER.LMA: 4-level paging through the TLB */
  bool code32;         /* CS is a 32-bit code segment (protected or compatibility mode) */
  bool shadow;         /* interrupts inhibited for one instruction (STI, MOV SS) */
  uint8_t cpl;
  uint8_t user;        /* cpl == 3: which TLB half serves data accesses (x86_set_user) */
  uint32_t pf_error;   /* #PF error code of the last failed translation */
  uint32_t exc_err;    /* error code of the #GP/#TS/#NP/#SS being raised */
  uint64_t cr0, cr2, cr3, cr4, cr8, dr[8];
  X86Seg seg[6], tr, ldtr;
  X86Dtr gdtr, idtr;
  uint64_t apic_base, pat, misc_enable, mtrr_def_type;
  bool has_apic;       /* the board has a local APIC: CPUID.APIC, IA32_APIC_BASE, TSC-deadline mode */
  uint64_t tsc_deadline; /* IA32_TSC_DEADLINE, read by the board's LAPIC (0 = disarmed) */
  uint64_t rng_fixed;  /* RDRAND/RDSEED: 0 = the host's random source, else a xorshift state */
  uint8_t rng_buf[64]; /* host bytes not yet handed out: one getentropy per 64 bytes */
  uint8_t rng_left;
  bool stop_request;   /* set by a board callback: OUT/MMIO ends the slice after the access */
  /* the 1 GiB regions (va >> 30) with TLB entries from 2 MiB or 1 GiB pages, whose entries are 4 KiB
   * each: INVLPG in one of them flushes everything (ADR 0058; before, any large page in the TLB
   * made every INVLPG a flush, and Linux maps its text with them). X86_TLB_LARGE + 1: too many */
  uint8_t tlb_large_n;
  uint64_t tlb_large_gb[X86_TLB_LARGE];
  X86Bus bus;
  X86TlbEntry tlb[6][X86_TLB_SIZE]; /* [kind * 2 + user] */
  X86TlbEntry *tlb_at[3];  /* [kind]: tlb[kind * 2 + user], kept by x86_set_user (ADR 0059) */
  uint8_t tlb_global[6][X86_TLB_SIZE];
  /* the decoded-instruction cache: dc is dcache_mem rounded up to 64 bytes (x86_reset), so an
   * entry is one host cache line, not two (calloc aligns X86Cpu to 16 only): half the L1 misses;
   * set by x86_dcache_flush, which x86_reset calls */
  X86Decoded *dc;
  X86Decoded dcache_mem[X86_DC_SIZE + 2];
  uint32_t blk_used;   /* arena slots handed out since the last refill */
  X86BlockRef blk_map[X86_BLK_MAP];
  /* the arena: blk is blk_mem rounded up to 64 bytes (x86_dcache_flush), so no slot spans two
   * host cache lines (calloc aligns X86Cpu to 16 only; ADR 0055) */
  X86Slot *blk;
  X86Slot blk_mem[X86_BLK_ARENA + 2];
} X86Cpu;


/* ---- memory (x86_mem.h has the inline accessors) ---- */

/* ---- files ---- */
/* x86_decode.c: decode the instruction at rip from buf (avail bytes readable there); 0 or
 * EXC_UD / EXC_PF (the instruction runs past avail: fetch fault at rip + avail) */
int x86_decode(X86Cpu *c, X86Insn *d, const uint8_t *buf, unsigned avail);
/* x86_exec.c: run up to budget instructions; X86_STOP_* or an exception vector */
int x86_run(X86Cpu *c, uint64_t budget, uint64_t *executed);
/* the CPU object, zeroed (NULL: out of memory). In wasm the process's one CPU is a static object,
 * which x86_run addresses at constant addresses (ADR 0059): a second x86_cpu_new there is NULL */
X86Cpu *x86_cpu_new(void);
void x86_cpu_free(X86Cpu *c);
void x86_reset(X86Cpu *c);
void x86_dcache_flush(X86Cpu *c); /* forget every decoded instruction and block */
/* x86_block.c: decode the block at rip (in page c->fetch_va) into the arena and *ref; 0, the
 * decoder's error for its first instruction, or X86_BLOCK_NONE when that one runs past the page */
#define X86_BLOCK_NONE 1
int x86_block_build(X86Cpu *c, X86BlockRef *ref, uint64_t rip);
/* x86_alu.c: integer arithmetic with exact flags */
/* CC_INC/CC_DEC (ADR 0039): cc_b holds the CF the instruction keeps */
enum { CC_NONE, CC_ADD, CC_SUB, CC_LOGIC, CC_SHL, CC_SHR, CC_INC, CC_DEC };
void x86_flags_compute(X86Cpu *c);
static inline void x86_flags_sync(X86Cpu *c) { if (c->cc_op != CC_NONE) x86_flags_compute(c); }
uint64_t x86_alu(X86Cpu *c, int op, int size, uint64_t a, uint64_t b); /* op: ADD OR ADC SBB AND SUB XOR CMP */
uint64_t x86_incdec(X86Cpu *c, int size, uint64_t a, bool dec);
uint64_t x86_shift(X86Cpu *c, int op, int size, uint64_t a, unsigned count); /* op: ROL ROR RCL RCR SHL SHR SAL SAR */
uint64_t x86_shiftd(X86Cpu *c, bool right, int size, uint64_t dst, uint64_t src, unsigned count);
int x86_muldiv(X86Cpu *c, int op, int size, uint64_t src); /* F6/F7 /4../7: 0 or EXC_DE */
uint64_t x86_imul2(X86Cpu *c, int size, uint64_t a, uint64_t b);
void x86_set_logic_flags(X86Cpu *c, int size, uint64_t res);
bool x86_cond(X86Cpu *c, int cc);
/* x86_string.c: MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE */
int x86_string(X86Cpu *c, const X86Insn *d);
/* x86_sse.c: SSE and SSE2 (0F map with 66/F2/F3 mandatory prefixes); 0, EXC_UD or a fault */
int x86_sse(X86Cpu *c, const X86Insn *d);
/* x86_mmx.c: MMX (0F integer rows without a prefix), sharing x86_sse.c's lane operations */
bool x86_mmx_op(int op);
int x86_mmx(X86Cpu *c, const X86Insn *d);
bool x86_sse_int(int op, X86Xmm *a, const X86Xmm *b);
void x86_sse_shift(X86Xmm *a, int lane, int kind, uint64_t count);
/* x86_x87.c: the x87 FPU; x86_x87_state.c: its control state and FXSAVE/FXRSTOR */
int x86_x87(X86Cpu *c, const X86Insn *d);
int x86_fxsave(X86Cpu *c, const X86Insn *d, bool restore);
/* x86_system.c: CPUID, RDTSC, SYSCALL, MSRs */
void x86_cpuid(X86Cpu *c);
int x86_syscall(X86Cpu *c, uint64_t next_rip);
uint64_t x86_rdtsc(X86Cpu *c);
/* RDRAND/RDSEED into r/m register d->rm of `size` bytes, CF=1: the host's random bytes, or a fixed
 * xorshift sequence when c->rng_fixed is set (--icount: runs repeat) */
int x86_rdrand(X86Cpu *c, const X86Insn *d, int size);
int x86_rdmsr(X86Cpu *c, uint32_t msr, uint64_t *v); /* 0 or EXC_GP */
int x86_wrmsr(X86Cpu *c, uint32_t msr, uint64_t v);
/* x86_mmu.c: 4-level paging, the TLB, accesses that miss it or cross a page */
int x86_translate(X86Cpu *c, uint64_t va, int kind, bool user, uint64_t *pa);
int x86_access_slow(X86Cpu *c, uint64_t va, void *buf, unsigned len, int kind);
int x86_load_slow(X86Cpu *c, uint64_t va, int size, uint64_t *val);  /* out of line: keeps the */
int x86_store_slow(X86Cpu *c, uint64_t va, int size, uint64_t val);  /* inline accessors small */
int x86_fetch_slow(X86Cpu *c, X86Insn *d);
void x86_tlb_flush(X86Cpu *c, bool keep_global);
void x86_tlb_flush_page(X86Cpu *c, uint64_t va);
void x86_paging_update(X86Cpu *c); /* after CR0/CR4/EFER changes */
static inline void x86_fetch_forget(X86Cpu *c) { c->fetch_va = 1; c->run_lim = 0; }
#define X86_CODE_WMAPPED 0x80000000u
#define X86_CODE_GEN_MAX 0x7fe00000u /* code_next past this: every block and generation is dropped at a slice start */
bool x86_code_init(X86Cpu *c, uint64_t bytes); /* code_gen for mem's bytes; false: out of memory */
void x86_code_reset(X86Cpu *c);                /* no frame holds blocks, no write TLB entry is left */
void x86_code_written(X86Cpu *c, uint64_t off, uint64_t len); /* bytes at mem + off changed: drop their frames' blocks */
uint32_t x86_code_frame(X86Cpu *c, uint64_t frame);           /* a block is built from the frame: its generation */
/* for board callbacks: end the slice after the current instruction (which completes); costs the
 * hot loop nothing: the next fetch takes the slow path, which stops */
void x86_request_stop(X86Cpu *c);
/* x86_seg.c: descriptors, far transfers, IRET, SYSRET, interrupt and exception delivery */
void x86_system_reset(X86Cpu *c); /* the PVH entry state: 32-bit flat protected mode, CPL 0 */
int x86_load_seg(X86Cpu *c, int sreg, uint16_t sel);
int x86_far_jump(X86Cpu *c, uint16_t sel, uint64_t off, bool call, int osize, uint64_t next);
int x86_far_ret(X86Cpu *c, int osize, uint16_t pop_extra);
int x86_iret(X86Cpu *c, int osize);
int x86_sysret(X86Cpu *c, bool w64);
int x86_interrupt(X86Cpu *c, int vector, bool soft, uint64_t ret_rip); /* INT n, INT3, INTO */
int x86_exception(X86Cpu *c, int exc);  /* deliver a fault at rip; 0 or X86_STOP_SHUTDOWN */
int x86_check_intr(X86Cpu *c);          /* deliver a pending external interrupt if IF allows */
int x86_syscall_kernel(X86Cpu *c, uint64_t next);
void x86_set_mode(X86Cpu *c);           /* code32 from CS and EFER.LMA */
/* x86_sys.c: system instructions (MOV CRn/DRn, LGDT.., IN/OUT, CLI/STI, HLT, RDMSR/WRMSR) */
int x86_exec_sys(X86Cpu *c, const X86Insn *d, uint64_t next);

/* size helpers */
/* the privilege data and fetch accesses are checked with, and the TLB halves that serve them */
static inline void x86_set_user(X86Cpu *c, bool user) {
  c->user = user;
  for (int k = 0; k < 3; k++) c->tlb_at[k] = c->tlb[k * 2 + user];
}

/* size 1, 2, 4 or 8: one load (a shift took four instructions in every ALU operation) */
static const uint64_t x86_masks[9] = { 0, 0xff, 0xffff, 0, 0xffffffffULL, 0, 0, 0, ~0ULL };
static inline uint64_t x86_mask(int size) { return x86_masks[size]; }
static inline uint64_t x86_sext(uint64_t v, int size) {
  int sh = 64 - size * 8;
  return sh ? (uint64_t)((int64_t)(v << sh) >> sh) : v;
}
static inline uint64_t x86_msb(uint64_t v, int size) { return (v >> (size * 8 - 1)) & 1; }

#endif
