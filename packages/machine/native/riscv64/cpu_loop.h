/* The interpreter's loop (cpu.c), included twice: cpu_run (CPU_JIT 0), and cpu_run_jit (CPU_JIT 1)
 * which also enters and counts JIT translations (docs/decisions/0040). Without --jit the machine
 * runs the first, in which the compiler drops every JIT path. */
__attribute__((noinline)) uint64_t CPU_RUN(Machine *m, uint64_t budget) {
#ifdef __wasm__
  m = &machine_static; /* the only one (machine_new): the compiler sees its address */
#endif
  uint64_t *const x = m->x;
  uint64_t pc = m->pc;       /* valid at refetch points; otherwise derived from d with PC() */
  uint64_t vpage = 1;        /* guest virtual address of the decoded page (1 = none) */
  const Insn *page = NULL;   /* decoded page: d - page gives the offset from vpage */
  const Insn *d = NULL;      /* current instruction */
  const uint8_t *host = NULL;
  uint64_t cnt = 0, limit = budget;
  uint64_t instret0 = m->instret;
  Insn tmp[3];               /* a page-crossing instruction + 2 sentinels */
  const Tlb *tlb = m->tlb_cur; /* data TLB set; reloaded at refetch (every mode change goes there) */
  m->exit_slice = false;
  Jit *const jit = CPU_JIT ? m->jit : NULL; /* the copy without the JIT has none of its code */

/* pc of the current instruction: one 8-byte Insn per 2 bytes of code */
#define PC() (vpage + (uint64_t)(((uintptr_t)d - (uintptr_t)page) >> 2))
/* The slot's op read again after the dispatch: a new load, so the dispatched value dies at the
 * jump (V8 kept it live into every case and spilled it at each dispatch). */
#define OP_AGAIN (*(const volatile uint8_t *)&d->op)
#define LEN (4 - ((OP_AGAIN >> 6) & 2))
#define NEXT() do { d += 2 - (OP_AGAIN >> 7); goto dispatch; } while (0)
#define NEXT4() do { d += 2; goto dispatch; } while (0) /* an operation without a compressed form */
#define JUMP(target) do { pc = (target); goto jump; } while (0)
#define TRAP(cause, tval)                                                                          \
  do {                                                                                             \
    uint64_t _tv = (tval);                                                                         \
    m->pc = PC();                                                                                  \
    m->instret = instret0 + cnt - 1;                                                               \
    cpu_raise_exception(m, (cause), _tv);                                                          \
    instret0 = m->instret - cnt;                                                                   \
    pc = m->pc;                                                                                    \
    vpage = 1; /* privilege (fetch TLB set) changed */                                             \
    if (m->exit_slice) limit = 0;                                                                  \
    goto refetch;                                                                                  \
  } while (0)
#define ILLEGAL() TRAP(EXC_ILLEGAL, insn_raw(host, PC(), LEN))
#define SLOW_DONE() do { if (m->exit_slice) { pc = PC() + LEN; limit = 0; goto refetch; } } while (0)
/* Loads and stores: inline TLB hit; everything else (TLB miss, MMIO, misaligned, faults) goes to
 * one shared slow path per direction, which re-derives address, size and destination from d. */
#define LOAD(type, va, dst)                                                                        \
  do {                                                                                             \
    uint64_t _va = (va);                                                                           \
    const TlbEntry *_e = &tlb->r[(_va >> PAGE_SHIFT) & (TLB_SIZE - 1)];                            \
    if (UNLIKELY(_e->vtag != (_va & (~PAGE_MASK | (sizeof(type) - 1))))) goto load_slow;           \
    type _t;                                                                                       \
    memcpy(&_t, (const void *)(_e->addend + (uintptr_t)_va), sizeof(type));                        \
    dst = _t;                                                                                      \
  } while (0)
#define STORE(type, va, val)                                                                       \
  do {                                                                                             \
    uint64_t _va = (va);                                                                           \
    const TlbEntry *_e = &tlb->w[(_va >> PAGE_SHIFT) & (TLB_SIZE - 1)];                            \
    if (UNLIKELY(_e->vtag != (_va & (~PAGE_MASK | (sizeof(type) - 1))))) goto store_slow;          \
    type _t = (type)(val);                                                                         \
    memcpy((void *)(_e->addend + (uintptr_t)_va), &_t, sizeof(type));                              \
  } while (0)
/* Two copies of simple operations: 32-bit and compressed, so the length is a constant. */
/* An operation with no compressed form (rvc_expand makes none: test/rvc-ops.test.ts checks the set):
 * one case, so the dispatch tree has no leaf the decoder never produces. */
#define OP4(op, body) case OP_##op: LBL(op) body; d += 2; goto dispatch;
#define BRANCH4(op, cond) case OP_##op: LBL(op) if (cond) JUMP(PC() + (int64_t)d->imm); d += 2; goto dispatch;
#define OPX(op, body) OP4(op, body) \
  case OP_##op | OP_C: LBL(op##_c) body; d += 1; goto dispatch;
#define BRANCH(op, cond) BRANCH4(op, cond) \
  case OP_##op | OP_C: LBL(op##_c) if (cond) JUMP(PC() + (int64_t)d->imm); d += 1; goto dispatch;
#define W(v) ((uint64_t)(int64_t)(int32_t)(v))
/* Bodies of the operations that superinstructions pair (decode.h): one instruction at d. */
#define X_LD { uint64_t v; LOAD(uint64_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = v; }
#define X_LBU { uint8_t v; LOAD(uint8_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = v; }
#define X_SD STORE(uint64_t, x[d->rs1] + (int64_t)d->imm, x[d->rs2])
#define X_ADDI x[d->rd] = x[d->rs1] + (int64_t)d->imm
#define X_ANDI x[d->rd] = x[d->rs1] & (uint64_t)(int64_t)d->imm
#define X_SLLI x[d->rd] = x[d->rs1] << d->imm
#define X_ADD x[d->rd] = x[d->rs1] + x[d->rs2]
#define X_OR x[d->rd] = x[d->rs1] | x[d->rs2]
#define X_SLLIW x[d->rd] = W((uint32_t)x[d->rs1] << d->imm)
#define X_AUIPC x[d->rd] = PC() + (int64_t)d->imm
#define X_JAL_N(len) { uint64_t _p = PC(); x[d->rd] = _p + len; JUMP(_p + (int64_t)d->imm); }
#define X_JALR_N(len) { uint64_t _t = (x[d->rs1] + (int64_t)d->imm) & ~1ULL; x[d->rd] = PC() + len; x[32] = 0; JUMP(_t); }
#define X_JAL X_JAL_N(LEN)
#define X_JALR X_JALR_N(LEN)
#define X_BNE if (x[d->rs1] != x[d->rs2]) JUMP(PC() + (int64_t)d->imm)
#define X_BEQ if (x[d->rs1] == x[d->rs2]) JUMP(PC() + (int64_t)d->imm)
/* A superinstruction: the first half, then the second at the next slot. The first half's slow
 * paths and traps see d at its own slot, the second's at the next one. */
#define PAIR1(a, b) case OP_##a##_##b: LBL(a##_##b) X_##a; d += 2; cnt++; X_##b; NEXT();
#define PAIR2(a, b) PAIR1(a, b) \
  case OP_##a##_##b | OP_C: LBL(a##_##b##_c) X_##a; d += 1; cnt++; X_##b; NEXT();
/* A pair's forms: 2 when its first operation has a compressed form, else 1 (here and in the
 * native label table; test/rvc-ops.test.ts checks them against the decoder). */
#define PAIR_FORMS_SD 2
#define PAIR_FORMS_LD 2
#define PAIR_FORMS_ADD 2
#define PAIR_FORMS_OR 2
#define PAIR_FORMS_ADDI 2
#define PAIR_FORMS_SLLI 2
#define PAIR_FORMS_ANDI 2
#define PAIR_FORMS_LBU 1
#define PAIR_FORMS_SLLIW 1
#define PAIR_FORMS_AUIPC 1
#define PASTE_(x, y) x##y
#define PASTE(x, y) PASTE_(x, y)
#define PAIR(a, b) PASTE(PAIR, PAIR_FORMS_##a)(a, b)

/* Native builds dispatch through a table of label addresses (GNU C): gcc copies the indirect jump
 * into every case, so each has its own branch-predictor entry where one shared `switch` jump
 * mispredicts most dispatches. Wasm has no computed goto (clang makes one br_table either way). */
#ifndef __wasm__
#define LBL(name) L_##name:
#define T1(n) [OP_##n] = &&L_##n,
#define T1C(n) [OP_##n] = &&L_##n, [OP_##n | OP_C] = &&L_##n,
#define T2(n) [OP_##n] = &&L_##n, [OP_##n | OP_C] = &&L_##n##_c,
#define TA(op, name) [OP_##op] = &&L_##name,
#define TPAIR(a, b) PASTE(T, PAIR_FORMS_##a)(a##_##b)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
  static const void *const op_label[256] = {
  [0 ... 255] = &&L_DEFAULT,
  T1(DECODE) T1(PAGE_END) T1(CROSS) T1C(ILLEGAL) T2(LUI) T1(AUIPC) T1(LB) T1(LH) T2(LW) T2(LD)
  T1(LBU) T1(LHU) T1(LWU) T1(SB) T1(SH) T2(SW) T2(SD) T2(ADDI) T2(LI) T2(MV) T1(SLTI) T1(SLTIU)
  T1(XORI) T1(ORI) T2(ANDI) T2(SLLI) T2(SRLI) T2(SRAI) T2(ADD) T2(SUB) T1(SLL) T1(SLT) T1(SLTU)
  T2(XOR) T1(SRL) T1(SRA) T2(OR) T2(AND) T2(ADDIW) T1(SLLIW) T1(SRLIW) T1(SRAIW) T2(ADDW) T2(SUBW)
  T1(SLLW) T1(SRLW) T1(SRAW) T2(JAL) T2(JALR) T2(BEQ) T2(BNE) T1(BLT) T1(BGE) T1(BLTU)
  T1(BGEU) T1(FENCE) T1(FENCE_I) T1(ECALL) T1C(EBREAK) T1(FSW) T1C(FSD) T1(MUL) T1(MULH)
  T1(MULHSU) T1(MULHU) T1(DIV) T1(DIVU) T1(REM) T1(REMU) T1(MULW) T1(DIVW) T1(DIVUW) T1(REMW)
  T1(REMUW) T1(WFI) T1(SFENCE_VMA) T1(FP) TA(MRET, XRET) TA(SRET, XRET) TA(CSRRW, CSR)
  TA(CSRRS, CSR) TA(CSRRC, CSR) TA(CSRRWI, CSR) TA(CSRRSI, CSR) TA(CSRRCI, CSR) TA(LR_W, AMO)
  TA(SC_W, AMO) TA(AMO_W, AMO) TA(LR_D, AMO) TA(SC_D, AMO) TA(AMO_D, AMO) TA(FLW, FLOAD)
  TA(FLD, FLOAD) TA(FLD | OP_C, FLOAD) OP_PAIRS(TPAIR)
  };
#pragma GCC diagnostic pop
#define DISPATCH_OP() goto *op_label[d->op]
#else
#define LBL(name)
#define DISPATCH_OP() ((void)0)
#endif

refetch:
  /* pc holds the next instruction's address; translate its page */
  tlb = m->tlb_cur;
  if (cnt >= limit) goto out;
  if (UNLIKELY((pc & ~PAGE_MASK) != vpage) || !page) {
    /* fast path: fetch TLB hit and the page is in the decode cache */
    const TlbEntry *fe = &m->tlb_fetch->x[(pc >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (LIKELY(fe->vtag == (pc & ~PAGE_MASK))) {
      uint64_t ppn = fe->paddr >> PAGE_SHIFT;
      if (LIKELY(m->dcache_ppn[ppn & (DC_PAGES - 1)] == ppn)) {
        page = m->dcache[ppn & (DC_PAGES - 1)].insn;
        host = (const uint8_t *)fe->addend;
        vpage = pc & ~PAGE_MASK;
        d = page + ((pc & PAGE_MASK) >> 1);
        if (UNLIKELY(jit != NULL)) goto jit_entry;
        goto dispatch;
      }
    }
    int cause;
    m->pc = pc;
    Insn *pg = mmu_fetch_page(m, pc, &cause, &host);
    if (!pg) {
      cnt++;
      page = NULL; vpage = 1; d = NULL;
      m->instret = instret0 + cnt - 1;
      cpu_raise_exception(m, cause, m->fault_addr);
      instret0 = m->instret - cnt;
      pc = m->pc;
      goto refetch;
    }
    page = pg;
    vpage = pc & ~PAGE_MASK;
  }
  d = page + ((pc & PAGE_MASK) >> 1);
  if (UNLIKELY(jit != NULL)) goto jit_entry;
  goto dispatch;

jump:
  /* control transfer: stay on the decoded page when possible */
  if (UNLIKELY(cnt >= limit) || UNLIKELY((pc & ~PAGE_MASK) != vpage)) goto refetch;
  d = page + ((pc & PAGE_MASK) >> 1);
  if (UNLIKELY(jit != NULL)) goto jit_entry;

dispatch:
  cnt++;
#ifdef C2W_TRACE
  fprintf(stderr, "pc=%016llx priv=%d op=%d\n", (unsigned long long)PC(), m->priv, d->op);
#endif
  DISPATCH_OP();
  switch (d->op) {
  case OP_DECODE: LBL(DECODE)
    decode_slot((Insn *)d, host, (uint32_t)(PC() & PAGE_MASK));
    cnt--;
    goto dispatch;
  case OP_PAGE_END: LBL(PAGE_END)
    cnt--;
    pc = PC();
    goto refetch;
  case OP_CROSS: LBL(CROSS) {
    uint64_t pa, hi, cpc = PC();
    uint16_t lo;
    memcpy(&lo, host + (PAGE_SIZE - 2), 2);
    m->pc = cpc;
    int c = mmu_translate(m, cpc + 2, ACC_EXEC, &pa);
    if (!c && bus_load(m, pa, 2, &hi)) { c = EXC_INSN_ACCESS; m->fault_addr = cpc + 2; }
    if (c) TRAP(c, m->fault_addr);
    decode_insn((uint32_t)lo | ((uint32_t)hi << 16), &tmp[0]);
    tmp[1].op = tmp[2].op = OP_PAGE_END;
    /* execute from tmp: PC() must still give cpc */
    page = tmp; vpage = cpc; d = tmp;
    cnt--;
    goto dispatch;
  }
  case OP_ILLEGAL: case OP_ILLEGAL | OP_C: LBL(ILLEGAL) TRAP(EXC_ILLEGAL, (uint32_t)d->imm);
  OPX(LUI, x[d->rd] = (uint64_t)(int64_t)d->imm)
  OP4(AUIPC, X_AUIPC)
  case OP_JAL: LBL(JAL) X_JAL_N(4);
  case OP_JAL | OP_C: LBL(JAL_c) X_JAL_N(2);
  case OP_JALR: LBL(JALR) X_JALR_N(4);
  case OP_JALR | OP_C: LBL(JALR_c) X_JALR_N(2);
  BRANCH(BEQ, x[d->rs1] == x[d->rs2])
  BRANCH(BNE, x[d->rs1] != x[d->rs2])
  BRANCH4(BLT, (int64_t)x[d->rs1] < (int64_t)x[d->rs2])
  BRANCH4(BGE, (int64_t)x[d->rs1] >= (int64_t)x[d->rs2])
  BRANCH4(BLTU, x[d->rs1] < x[d->rs2])
  BRANCH4(BGEU, x[d->rs1] >= x[d->rs2])
  OP4(LB, { int8_t v; LOAD(int8_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = (uint64_t)(int64_t)v; })
  OP4(LH, { int16_t v; LOAD(int16_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = (uint64_t)(int64_t)v; })
  OPX(LW, { int32_t v; LOAD(int32_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = (uint64_t)(int64_t)v; })
  OPX(LD, X_LD)
  OP4(LBU, X_LBU)
  OP4(LHU, { uint16_t v; LOAD(uint16_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = v; })
  OP4(LWU, { uint32_t v; LOAD(uint32_t, x[d->rs1] + (int64_t)d->imm, v); x[d->rd] = v; })
  OP4(SB, STORE(uint8_t, x[d->rs1] + (int64_t)d->imm, x[d->rs2]))
  OP4(SH, STORE(uint16_t, x[d->rs1] + (int64_t)d->imm, x[d->rs2]))
  OPX(SW, STORE(uint32_t, x[d->rs1] + (int64_t)d->imm, x[d->rs2]))
  OPX(SD, X_SD)
  OPX(ADDI, X_ADDI)
  OPX(LI, x[d->rd] = (uint64_t)(int64_t)d->imm)
  OPX(MV, x[d->rd] = x[d->rs1])
  OP4(SLTI, x[d->rd] = (int64_t)x[d->rs1] < (int64_t)d->imm)
  OP4(SLTIU, x[d->rd] = x[d->rs1] < (uint64_t)(int64_t)d->imm)
  OP4(XORI, x[d->rd] = x[d->rs1] ^ (uint64_t)(int64_t)d->imm)
  OP4(ORI, x[d->rd] = x[d->rs1] | (uint64_t)(int64_t)d->imm)
  OPX(ANDI, X_ANDI)
  OPX(SLLI, X_SLLI)
  OPX(SRLI, x[d->rd] = x[d->rs1] >> d->imm)
  OPX(SRAI, x[d->rd] = (uint64_t)((int64_t)x[d->rs1] >> d->imm))
  OPX(ADD, X_ADD)
  OPX(SUB, x[d->rd] = x[d->rs1] - x[d->rs2])
  OP4(SLL, x[d->rd] = x[d->rs1] << (x[d->rs2] & 63))
  OP4(SLT, x[d->rd] = (int64_t)x[d->rs1] < (int64_t)x[d->rs2])
  OP4(SLTU, x[d->rd] = x[d->rs1] < x[d->rs2])
  OPX(XOR, x[d->rd] = x[d->rs1] ^ x[d->rs2])
  OP4(SRL, x[d->rd] = x[d->rs1] >> (x[d->rs2] & 63))
  OP4(SRA, x[d->rd] = (uint64_t)((int64_t)x[d->rs1] >> (x[d->rs2] & 63)))
  OPX(OR, X_OR)
  OPX(AND, x[d->rd] = x[d->rs1] & x[d->rs2])
  OPX(ADDIW, x[d->rd] = W(x[d->rs1] + (int64_t)d->imm))
  OP4(SLLIW, X_SLLIW)
  OP4(SRLIW, x[d->rd] = W((uint32_t)x[d->rs1] >> d->imm))
  OP4(SRAIW, x[d->rd] = W((int32_t)x[d->rs1] >> d->imm))
  OPX(ADDW, x[d->rd] = W(x[d->rs1] + x[d->rs2]))
  OPX(SUBW, x[d->rd] = W(x[d->rs1] - x[d->rs2]))
  OP4(SLLW, x[d->rd] = W((uint32_t)x[d->rs1] << (x[d->rs2] & 31)))
  OP4(SRLW, x[d->rd] = W((uint32_t)x[d->rs1] >> (x[d->rs2] & 31)))
  OP4(SRAW, x[d->rd] = W((int32_t)x[d->rs1] >> (x[d->rs2] & 31)))
  case OP_MUL: LBL(MUL) x[d->rd] = x[d->rs1] * x[d->rs2]; NEXT4();
  case OP_MULH: LBL(MULH) x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] * (__int128)(int64_t)x[d->rs2]) >> 64); NEXT4();
  case OP_MULHSU: LBL(MULHSU) x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] * (__int128)x[d->rs2]) >> 64); NEXT4();
  case OP_MULHU: LBL(MULHU) x[d->rd] = (uint64_t)(((unsigned __int128)x[d->rs1] * x[d->rs2]) >> 64); NEXT4();
  case OP_DIV: LBL(DIV) {
    int64_t a = (int64_t)x[d->rs1], b = (int64_t)x[d->rs2];
    x[d->rd] = b == 0 ? ~0ULL : (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b);
    NEXT4();
  }
  case OP_DIVU: LBL(DIVU) { uint64_t a = x[d->rs1], b = x[d->rs2]; x[d->rd] = b == 0 ? ~0ULL : a / b; NEXT4(); }
  case OP_REM: LBL(REM) {
    int64_t a = (int64_t)x[d->rs1], b = (int64_t)x[d->rs2];
    x[d->rd] = b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b);
    NEXT4();
  }
  case OP_REMU: LBL(REMU) { uint64_t a = x[d->rs1], b = x[d->rs2]; x[d->rd] = b == 0 ? a : a % b; NEXT4(); }
  case OP_MULW: LBL(MULW) x[d->rd] = W((uint32_t)x[d->rs1] * (uint32_t)x[d->rs2]); NEXT4();
  case OP_DIVW: LBL(DIVW) {
    int32_t a = (int32_t)x[d->rs1], b = (int32_t)x[d->rs2];
    x[d->rd] = b == 0 ? ~0ULL : (a == INT32_MIN && b == -1) ? W(a) : W(a / b);
    NEXT4();
  }
  case OP_DIVUW: LBL(DIVUW) { uint32_t a = (uint32_t)x[d->rs1], b = (uint32_t)x[d->rs2]; x[d->rd] = b == 0 ? ~0ULL : W(a / b); NEXT4(); }
  case OP_REMW: LBL(REMW) {
    int32_t a = (int32_t)x[d->rs1], b = (int32_t)x[d->rs2];
    x[d->rd] = b == 0 ? W(a) : (a == INT32_MIN && b == -1) ? 0 : W(a % b);
    NEXT4();
  }
  case OP_REMUW: LBL(REMUW) { uint32_t a = (uint32_t)x[d->rs1], b = (uint32_t)x[d->rs2]; x[d->rd] = b == 0 ? W(a) : W(a % b); NEXT4(); }
  case OP_FENCE: LBL(FENCE) NEXT4();
  case OP_FENCE_I: LBL(FENCE_I) NEXT4(); /* stores to decoded pages already invalidate them */
  case OP_ECALL: LBL(ECALL) TRAP(EXC_ECALL_U + m->priv, 0);
  case OP_EBREAK: case OP_EBREAK | OP_C: LBL(EBREAK) TRAP(EXC_BREAKPOINT, PC());
  case OP_MRET: case OP_SRET: LBL(XRET) {
    m->pc = PC();
    int c = OP_AGAIN == OP_MRET ? cpu_mret(m) : cpu_sret(m);
    if (c) ILLEGAL();
    pc = m->pc;
    vpage = 1;
    if (cpu_pending_interrupts(m)) limit = 0;
    goto refetch;
  }
  case OP_WFI: LBL(WFI)
    if (m->priv == PRV_U || (m->priv == PRV_S && (m->mstatus & MSTATUS_TW))) ILLEGAL();
    pc = PC() + 4;
    if (!(m->mip & m->mie)) m->wfi = true;
    limit = 0;
    goto refetch;
  case OP_SFENCE_VMA: LBL(SFENCE_VMA)
    if (m->priv == PRV_U || (m->priv == PRV_S && (m->mstatus & MSTATUS_TVM))) ILLEGAL();
    if (d->rs1 == 0) tlb_flush_paged(m);
    else tlb_flush_va(m, x[d->rs1]);
    pc = PC() + 4;
    vpage = 1;
    goto refetch;
  case OP_CSRRW: case OP_CSRRS: case OP_CSRRC: case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI: LBL(CSR) {
    int op = OP_AGAIN;
    bool imm = op >= OP_CSRRWI;
    uint64_t src = imm ? d->rs1 : x[d->rs1];
    bool write = (op == OP_CSRRW || op == OP_CSRRWI) || d->rs1 != 0;
    uint64_t old;
    m->pc = PC();
    m->instret = instret0 + cnt - 1;
    int c = csr_read(m, d->imm, &old, write);
    if (c) ILLEGAL();
    if (write) {
      uint64_t nv = (op == OP_CSRRW || op == OP_CSRRWI) ? src : (op == OP_CSRRS || op == OP_CSRRSI) ? (old | src) : (old & ~src);
      csr_write(m, d->imm, nv);
      instret0 = m->instret - (cnt - 1);
#ifdef C2W_TRACE
      fprintf(stderr, "csr %03x: %llx -> %llx\n", d->imm, (unsigned long long)old, (unsigned long long)nv);
#endif
      x[d->rd] = old;
      x[32] = 0;
      if (cpu_pending_interrupts(m)) limit = 0;
      pc = PC() + 4;
      vpage = 1; /* privilege, translation or TLB set may have changed */
      goto refetch;
    }
    x[d->rd] = old;
    NEXT4();
  }
  case OP_LR_W: case OP_SC_W: case OP_AMO_W: case OP_LR_D: case OP_SC_D: case OP_AMO_D: LBL(AMO) {
    /* TLB hit (aligned RAM; a write entry never maps decoded code): the access on host memory.
     * A miss, a misaligned or an MMIO address takes amo_exec, which fills the TLB for next time. */
    int op = OP_AGAIN;
    bool dbl = op >= OP_LR_D, lr = op == OP_LR_W || op == OP_LR_D, sc = op == OP_SC_W || op == OP_SC_D;
    uint64_t va = x[d->rs1], v;
    const TlbEntry *e = (lr ? tlb->r : tlb->w) + ((va >> PAGE_SHIFT) & (TLB_SIZE - 1));
    if (UNLIKELY(e->vtag != (va & (~PAGE_MASK | (dbl ? 7 : 3))))) goto amo_slow;
    uint8_t *p = (uint8_t *)(e->addend + (uintptr_t)va);
    uint64_t pa = e->paddr | (va & PAGE_MASK);
    if (sc) {
      v = m->reservation != pa;
      if (!v) {
        if (dbl) memcpy(p, &x[d->rs2], 8);
        else { uint32_t t = (uint32_t)x[d->rs2]; memcpy(p, &t, 4); }
      }
      m->reservation = ~0ULL;
    } else {
      if (dbl) memcpy(&v, p, 8);
      else { int32_t t; memcpy(&t, p, 4); v = (uint64_t)(int64_t)t; }
      if (lr) m->reservation = pa;
      else {
        uint64_t r = amo_alu(d->imm, v, dbl ? x[d->rs2] : (uint64_t)(int64_t)(int32_t)x[d->rs2], dbl);
        if (dbl) memcpy(p, &r, 8);
        else { uint32_t t = (uint32_t)r; memcpy(p, &t, 4); }
      }
    }
    x[d->rd] = v;
    x[32] = 0;
    d += 2;
    goto dispatch;
  }
  case OP_FLW: case OP_FLD: case OP_FLD | OP_C: LBL(FLOAD) {
    if (!(m->mstatus & MSTATUS_FS)) ILLEGAL();
    uint64_t v;
    if ((OP_AGAIN & ~OP_C) == OP_FLW) { uint32_t t; LOAD(uint32_t, x[d->rs1] + (int64_t)d->imm, t); v = 0xffffffff00000000ULL | t; }
    else LOAD(uint64_t, x[d->rs1] + (int64_t)d->imm, v);
    m->f[d->rd] = v;
    m->mstatus |= MSTATUS_FS;
    NEXT();
  }
  case OP_FSW: LBL(FSW)
    if (!(m->mstatus & MSTATUS_FS)) ILLEGAL();
    STORE(uint32_t, x[d->rs1] + (int64_t)d->imm, m->f[d->rs2]);
    NEXT();
  case OP_FSD: case OP_FSD | OP_C: LBL(FSD)
    if (!(m->mstatus & MSTATUS_FS)) ILLEGAL();
    STORE(uint64_t, x[d->rs1] + (int64_t)d->imm, m->f[d->rs2]);
    NEXT();
  case OP_FP: LBL(FP) {
    int c = fpu_exec(m, (uint32_t)d->imm);
    if (c) ILLEGAL();
    NEXT4();
  }
  OP_PAIRS(PAIR)
#ifdef __wasm__
  default: __builtin_unreachable(); /* the decoder makes no other op: the compare tree needs no leaf tests for gaps */
#else
  default: LBL(DEFAULT) ILLEGAL();
#endif
  }

load_slow: {
  int op = op_first(OP_AGAIN & ~OP_C);
  uint64_t va = x[d->rs1] + (int64_t)d->imm, v;
  int size = (op == OP_LB || op == OP_LBU) ? 1 : (op == OP_LH || op == OP_LHU) ? 2
           : (op == OP_LW || op == OP_LWU || op == OP_FLW) ? 4 : 8;
  int c = mmu_load_slow(m, va, size, &v);
  if (c) TRAP(c, m->fault_addr);
  switch (op) {
  case OP_LB: x[d->rd] = (uint64_t)(int64_t)(int8_t)v; break;
  case OP_LH: x[d->rd] = (uint64_t)(int64_t)(int16_t)v; break;
  case OP_LW: x[d->rd] = (uint64_t)(int64_t)(int32_t)v; break;
  case OP_FLW: m->f[d->rd] = 0xffffffff00000000ULL | (uint32_t)v; m->mstatus |= MSTATUS_FS; break;
  case OP_FLD: m->f[d->rd] = v; m->mstatus |= MSTATUS_FS; break;
  default: x[d->rd] = v; break; /* LD, LBU, LHU, LWU: already zero-extended */
  }
  if (UNLIKELY(m->exit_slice)) limit = 0; /* MMIO side effect: stop at the next jump */
  NEXT();
}

store_slow: {
  int op = op_first(OP_AGAIN & ~OP_C);
  uint64_t va = x[d->rs1] + (int64_t)d->imm;
  int size = op == OP_SB ? 1 : op == OP_SH ? 2 : (op == OP_SW || op == OP_FSW) ? 4 : 8;
  uint64_t val = (op == OP_FSW || op == OP_FSD) ? m->f[d->rs2] : x[d->rs2];
  int c = mmu_store_slow(m, va, size, val);
  if (c) TRAP(c, m->fault_addr);
  SLOW_DONE();
  NEXT();
}

amo_slow: {
  uint64_t v;
  int c = amo_exec(m, d, &v, OP_AGAIN >= OP_LR_D);
  if (c) TRAP(c, m->fault_addr);
  x[d->rd] = v;
  x[32] = 0;
  SLOW_DONE();
  NEXT();
}

jit_entry: {
  /* a block entry (jump target or refetch): run its translation, or count it towards one */
  uint32_t slot = (uint32_t)(((uintptr_t)page - (uintptr_t)m->dcache) / sizeof(DecodedPage));
  if (UNLIKELY(slot >= DC_PAGES)) goto dispatch; /* a page-crossing instruction runs from tmp */
  uint32_t gen = jit->gen[slot];
  JitEntry *je = &jit->tab[((uintptr_t)d / sizeof(Insn)) & (JIT_ENTRIES - 1)];
  if (LIKELY(je->d == d && je->gen == gen)) {
#ifdef __wasm__
    if (je->fn - 1u < JIT_NONE - 1u) {
      uint32_t r = ((JitFn)(uintptr_t)je->fn)(m, PC(), (uint32_t)(limit - cnt));
      uint32_t n = r & 0x7fffffffu;
      if (n) {
        cnt += n;
        jit->retired += n;
        pc = m->pc;
        if (r >> 31) goto jump; /* left by a control transfer: the interpreter's own budget check */
        if ((pc & ~PAGE_MASK) == vpage) { d = page + ((pc & PAGE_MASK) >> 1); goto dispatch; }
        goto refetch;
      }
      goto dispatch;
    }
#endif
    if (!je->fn && ++je->hits == JIT_HOT) jit_request(jit, je); /* translated between slices */
  } else {
    je->d = d; je->gen = gen; je->fn = 0; je->hits = 1;
  }
  goto dispatch;
}

out:
  m->pc = pc;
  m->instret = instret0 + cnt;
  x[32] = 0;
  return cnt;
}

