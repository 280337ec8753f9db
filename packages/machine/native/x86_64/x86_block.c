/* x86-64 CPU: decoded blocks (docs/decisions/0035-x86-decoded-blocks.md). The run loop executes a
 * block's slots one after the other while each instruction falls through, so consecutive guest
 * instructions are consecutive host memory and one map lookup covers a block (a per-instruction
 * cache entry hashed by rip missed the host's L1 on most of a Linux boot's paths, ADR 0029).
 * Exactness comes from the frame's code generation (ADR 0055): a store to the frame drops its
 * blocks, so a slot is run only while the bytes it was decoded from are unchanged. */
#include "x86.h"

/* decoding goes no further than an instruction after which execution never falls through */
static bool ends_block(const X86Insn *d) {
  switch (d->op) {
  case 0xc2: case 0xc3: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xcf: /* RET, INT, IRET */
  case 0xe8: case 0xe9: case 0xea: case 0xeb: case 0x9a: case 0xf4:           /* CALL, JMP, HLT */
  case 0x105: case 0x107: case 0x10b:                                          /* SYSCALL SYSRET UD2 */
    return true;
  case 0xff: return (d->reg & 7) >= 2 && (d->reg & 7) <= 5;                    /* CALL/JMP r/m, far */
  default: return false;
  }
}

/* CMP of every short-path form (byte ones too) and TEST of every form: flags only, and their one
 * possible fault (the memory operand's) comes before the Jcc runs */
static bool fusable(const X86Insn *d) {
  switch (d->kind) {
  case X86K_ALU_RR: case X86K_ALU_RM: case X86K_ALU_MR: return ((d->op >> 3) & 7) == 7;
  case X86K_ALU_RI: case X86K_ALU_MI: return (d->reg & 7) == 7;
  case X86K_TEST_RR: case X86K_TEST: return true;
  case X86K_ALU8: return (d->op == 0x80 ? d->reg : d->op >> 3) % 8 == 7;
  default: return false;
  }
}

/* a fresh block at rip: fills slots from the arena's free end, refilling the arena when it
 * cannot take a whole block (no block is running then: the run loop asks only between blocks) */
int x86_block_build(X86Cpu *c, X86BlockRef *ref, uint64_t rip) {
  if (c->blk_used > X86_BLK_ARENA - X86_BLK_MAX) {
    for (int i = 0; i < X86_BLK_MAP; i++) c->blk_map[i].rip = 1;
    c->blk_used = 0;
  }
  const uint8_t *page = (const uint8_t *)(uintptr_t)(c->fetch_addend + (rip & ~0xfffULL));
  /* the frame's generation, before the decode reads it: write TLB entries to it go first */
  uint32_t gen = c->fetch_gen = x86_code_frame(c, (uint64_t)(page - c->mem) >> 12);
  unsigned off = (unsigned)(rip & 0xfff), n = 0;
  X86Slot *s = &c->blk[c->blk_used];
  while (n < X86_BLK_MAX && off < 4096) {
    /* in the page's last 15 bytes the decoder sees the page only: an instruction that runs past
     * its end (EXC_PF) is the slow fetch's, which reads both pages (ADR 0059) */
    unsigned avail = 4096 - off < 15 ? 4096 - off : 15;
    int e = x86_decode(c, &s[n].insn, page + off, avail);
    if (e) {
      if (n == 0) return e == EXC_PF && avail < 15 ? X86_BLOCK_NONE : e; /* else the fetch's fault */
      break; /* a later one is decoded again when (if) it is reached */
    }
    off += s[n].insn.len;
    if (ends_block(&s[n++].insn)) break;
  }
  /* a compare and the Jcc after it run as one slot (ADR 0053): one dispatch for the pair; the
   * Jcc keeps its own slot for a jump to it */
  for (unsigned k = 0; k + 1 < n; k++)
    if (s[k + 1].insn.kind == X86K_JCC && fusable(&s[k].insn))
      s[k].insn.kind = s[k].insn.kind == X86K_ALU8 || s[k].insn.kind == X86K_TEST ? X86K_FLAGS_JCC : X86K_CMP_JCC;
  /* every instruction of the block is an entry (ADR 0039): a jump into its middle runs the slots
   * there instead of decoding the tail again (9% of a boot's samples were x86_decode) */
  uint64_t r = rip;
  for (unsigned k = 0; k < n; k++) {
    X86BlockRef *m = k ? &c->blk_map[x86_blk_hash(r)] : ref;
    m->rip = r;
    m->start = c->blk_used + k;
    m->n = n - k;
    m->gen = gen;
    r += s[k].insn.len;
  }
  c->blk_used += n;
  return 0;
}
