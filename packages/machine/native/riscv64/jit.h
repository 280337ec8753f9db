/* The JIT tier's machine side (docs/decisions/0040): hot-block counting, a request queue a JIT host
 * reads from linear memory, and the table slots of the wasm functions it installs. The layout of
 * Jit up to `tab` is read by the host (src/jit-layout.ts): change both together. */
#ifndef C2W_JIT_H
#define C2W_JIT_H
#include "machine.h"

#define JIT_ENTRIES 8192 /* direct mapped by decoded-slot address */
#define JIT_QUEUE 64     /* requests between two host visits (one slice) */
#ifndef JIT_HOT
#define JIT_HOT 4096     /* entries into a block before it is requested (compiling one costs ~0.1 ms) */
#endif
#define JIT_NONE 0xffffffffu /* fn: the host has no translation for this block */
#define JIT_MAGIC 0x3154494au /* "JIT1" */

typedef struct JitEntry {
  const Insn *d;  /* first decoded slot of the block */
  uint32_t gen;   /* generation of the decoded page when counted/translated */
  uint32_t fn;    /* table index of the translation, 0 = none yet, JIT_NONE = untranslatable */
  uint32_t hits;
} JitEntry;

/* A translation: runs from pc (the block's virtual address) for at most `budget` instructions,
 * stores the next pc in m->pc and returns the instructions it retired, bit 31 set when it left
 * by a control transfer. 0 retired: the interpreter runs the first instruction itself. */
typedef uint32_t (*JitFn)(Machine *m, uint64_t pc, uint32_t budget);

typedef struct Jit {
  uint32_t magic;
  uint32_t nreq;                  /* pending requests; the host resets it to 0 */
  uint64_t retired;               /* instructions run by translations (the host's --stats line) */
  uint32_t req[JIT_QUEUE];        /* entry indices into tab */
  uint32_t tab_addr, insn_size, entry_size;
  uint32_t off_x, off_pc, off_tlb_cur, off_tlb_r, off_tlb_w, tlb_entry_size, tlb_size;
  uint32_t gen_next;
  uint32_t gen[DC_PAGES];         /* per decode-cache slot: bumped when it gets another page */
  JitEntry tab[JIT_ENTRIES];
} Jit;

int jit_init(Machine *m);
uint64_t cpu_run_jit(Machine *m, uint64_t budget); /* cpu_run with the JIT's entries (cpu_loop.h) */
static inline void jit_request(Jit *j, JitEntry *e) {
  if (j->nreq < JIT_QUEUE) j->req[j->nreq++] = (uint32_t)(e - j->tab);
  else e->hits = 0; /* queue full: count again */
}
#endif
