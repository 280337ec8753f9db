/* The interpreter: RV64IMAC(+FD via fpu.c) execution loop (RISC-V unprivileged spec chapters 2, 5,
 * 7, 8, 16; privileged spec 3.3 for ECALL/EBREAK/xRET/WFI/SFENCE.VMA).
 * Design (see docs/decisions/0003-machine-design.md): instructions are decoded lazily into a
 * per-physical-page cache; the loop translates the fetch address only when the page changes;
 * loads and stores go through a direct-mapped software TLB; dispatch is one `switch` (natively a
 * jump through a table of labels at the end of every case, docs/decisions/0056); the loop is a
 * separate non-inlined function that returns after `budget` instructions (or earlier when interrupt
 * state may have changed) so a JIT (V8) can tier it up. Traps are return codes, never longjmp. */
#include <stdlib.h>
#include <string.h>
#ifdef C2W_TRACE
#include <stdio.h>
#endif
#include "machine.h"
#include "decode.h"
#include "jit.h"

static int amo_exec(Machine *m, const Insn *d, uint64_t *rdval, bool dbl);

/* The value an AMO stores (unprivileged spec 8.4); funct5 in imm, operands of .w sign-extended. */
static inline uint64_t amo_alu(int32_t f5, uint64_t v, uint64_t s, bool dbl) {
  switch (f5) {
  case 0: return v + s;
  case 1: return s;
  case 4: return v ^ s;
  case 8: return v | s;
  case 12: return v & s;
  case 16: return (int64_t)v < (int64_t)s ? v : s;
  case 20: return (int64_t)v > (int64_t)s ? v : s;
  case 24: return (dbl ? v : (uint32_t)v) < (dbl ? s : (uint32_t)s) ? v : s;
  default: return (dbl ? v : (uint32_t)v) > (dbl ? s : (uint32_t)s) ? v : s;
  }
}

/* Raw bits of the current instruction, for mtval/stval on illegal-instruction traps. */
static uint32_t insn_raw(const uint8_t *host, uint64_t pc, int len) {
  /* len: 2 or 4 */
  uint32_t off = (uint32_t)(pc & PAGE_MASK), v = 0;
  if (!host) return 0;
  if (len == 2 || off > PAGE_SIZE - 4) { uint16_t h; memcpy(&h, host + off, 2); return h; }
  memcpy(&v, host + off, 4);
  return v;
}

#ifdef __wasm__
/* in .bss, at a link-time address: V8 kept the machine pointer and m->x in stack slots of the
 * interpreter loop and reloaded them around every instruction; with the address constant it
 * needs no register for them (ADR 0060, as x86_exec.c's CPU since ADR 0059) */
static Machine machine_static __attribute__((aligned(64)));
static bool machine_taken;
#endif

Machine *machine_new(void) {
#ifdef __wasm__
  if (machine_taken) return NULL;
  machine_taken = true;
  return &machine_static;
#else
  return calloc(1, sizeof(Machine));
#endif
}

void machine_delete(Machine *m) {
#ifdef __wasm__
  (void)m; /* the static one stays taken: it is no longer zero */
#else
  free(m);
#endif
}

#define CPU_RUN cpu_run
#define CPU_JIT 0
#include "cpu_loop.h"
#undef CPU_RUN
#undef CPU_JIT
#define CPU_RUN cpu_run_jit
#define CPU_JIT 1
#include "cpu_loop.h"

/* A extension (unprivileged spec chapter 8): LR/SC with a single reservation, AMOs as
 * read-modify-write on the physical address (single hart: naturally atomic). */
static int amo_exec(Machine *m, const Insn *d, uint64_t *rdval, bool dbl) {
  uint64_t va = m->x[d->rs1];
  int size = dbl ? 8 : 4;
  bool is_lr = d->op == OP_LR_W || d->op == OP_LR_D;
  if (va & (size - 1)) { m->fault_addr = va; return is_lr ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED; }
  uint64_t pa, v;
  int c = mmu_translate(m, va, is_lr ? ACC_READ : ACC_WRITE, &pa);
  if (c) return c;
  if (d->op == OP_SC_W || d->op == OP_SC_D) {
    if (m->reservation == pa) {
      c = bus_store(m, pa, size, m->x[d->rs2]);
      if (c) { m->fault_addr = va; return EXC_STORE_ACCESS; }
      mmu_fill_data(m, va, pa, ACC_WRITE);
      *rdval = 0;
    } else {
      *rdval = 1;
    }
    m->reservation = ~0ULL;
    return 0;
  }
  c = bus_load(m, pa, size, &v);
  if (c) { m->fault_addr = va; return is_lr ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS; }
  if (!dbl) v = (uint64_t)(int64_t)(int32_t)v;
  *rdval = v;
  if (is_lr) { m->reservation = pa; mmu_fill_data(m, va, pa, ACC_READ); return 0; }
  uint64_t s = m->x[d->rs2];
  if (!dbl) s = (uint64_t)(int64_t)(int32_t)s;
  uint64_t r = amo_alu(d->imm, v, s, dbl);
  c = bus_store(m, pa, size, r);
  if (c) { m->fault_addr = va; return EXC_STORE_ACCESS; }
  mmu_fill_data(m, va, pa, ACC_WRITE); /* the next AMO on this page takes the loop's fast path */
  return 0;
}
