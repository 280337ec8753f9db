/* Control and status registers, traps and interrupts (RISC-V privileged spec 1.12:
 * 2.1 CSR address mapping, 3.1 machine-level CSRs, 3.3 MRET/SRET/WFI, 4.1 supervisor CSRs,
 * 3.1.9 interrupt priority). ASIDs are not implemented (ASIDLEN = 0); SATP accepts Bare and Sv39
 * only (WARL). Counters: cycle = instret; time = CLINT mtime. */
#include "machine.h"
#include "csr.h"

#define MISA_VAL ((2ULL << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20))
#define MSTATUS_WMASK (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | \
                       MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define MIE_MASK (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)
#define DELEG_INT_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MEDELEG_MASK 0xb3ffULL /* all synchronous exceptions except ecall from M */

void cpu_reset(Machine *m, uint64_t pc) {
  for (int i = 0; i < 33; i++) m->x[i] = 0;
  for (int i = 0; i < 32; i++) m->f[i] = 0;
  m->pc = pc;
  m->priv = PRV_M;
  m->mstatus = (2ULL << 32) | (2ULL << 34);
  m->misa = MISA_VAL;
  m->medeleg = m->mideleg = m->mie = m->mip = 0;
  m->mtvec = m->mscratch = m->mepc = m->mcause = m->mtval = 0;
  m->mcounteren = m->scounteren = m->stvec = m->sscratch = m->sepc = m->scause = m->stval = m->satp = 0;
  m->fflags = m->frm = 0;
  m->reservation = ~0ULL;
  m->wfi = false;
  tlb_flush_all(m);
  tlb_select(m);
}

static uint64_t mstatus_read(Machine *m) {
  uint64_t s = m->mstatus;
  if (((s & MSTATUS_FS) >> MSTATUS_FS_SHIFT) == 3) s |= MSTATUS_SD;
  return s;
}

/* returns 0 or EXC_ILLEGAL */
int csr_read(Machine *m, int csr, uint64_t *val, bool will_write) {
  int min_priv = (csr >> 8) & 3;
  if (m->priv < min_priv) return EXC_ILLEGAL;
  if (will_write && ((csr >> 10) & 3) == 3) return EXC_ILLEGAL;
  uint64_t v;
  switch (csr) {
  case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
    if (!(m->mstatus & MSTATUS_FS)) return EXC_ILLEGAL;
    v = csr == CSR_FFLAGS ? m->fflags : csr == CSR_FRM ? m->frm : ((m->frm << 5) | m->fflags);
    break;
  case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET: {
    int bit = csr & 3;
    if (m->priv < PRV_M && !((m->mcounteren >> bit) & 1)) return EXC_ILLEGAL;
    if (m->priv < PRV_S && !((m->scounteren >> bit) & 1)) return EXC_ILLEGAL;
    v = bit == 1 ? machine_mtime(m) : m->instret;
    break;
  }
  case CSR_SSTATUS: v = mstatus_read(m) & SSTATUS_MASK; break;
  case CSR_SIE: v = m->mie & m->mideleg; break;
  case CSR_STVEC: v = m->stvec; break;
  case CSR_SCOUNTEREN: v = m->scounteren; break;
  case CSR_SSCRATCH: v = m->sscratch; break;
  case CSR_SEPC: v = m->sepc; break;
  case CSR_SCAUSE: v = m->scause; break;
  case CSR_STVAL: v = m->stval; break;
  case CSR_SIP: v = m->mip & m->mideleg; break;
  case CSR_SATP:
    if (m->priv == PRV_S && (m->mstatus & MSTATUS_TVM)) return EXC_ILLEGAL;
    v = m->satp;
    break;
  case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MHARTID: v = 0; break;
  case CSR_MSTATUS: v = mstatus_read(m); break;
  case CSR_MISA: v = m->misa; break;
  case CSR_MEDELEG: v = m->medeleg; break;
  case CSR_MIDELEG: v = m->mideleg; break;
  case CSR_MIE: v = m->mie; break;
  case CSR_MTVEC: v = m->mtvec; break;
  case CSR_MCOUNTEREN: v = m->mcounteren; break;
  case CSR_MCOUNTINHIBIT: v = m->mcountinhibit; break;
  case CSR_MSCRATCH: v = m->mscratch; break;
  case CSR_MEPC: v = m->mepc; break;
  case CSR_MCAUSE: v = m->mcause; break;
  case CSR_MTVAL: v = m->mtval; break;
  case CSR_MIP: v = m->mip; break;
  case CSR_PMPCFG0: v = m->pmpcfg[0]; break;
  case CSR_PMPCFG2: v = m->pmpcfg[1]; break;
  case CSR_MCYCLE: case CSR_MINSTRET: v = m->instret; break;
  default:
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) { v = m->pmpaddr[csr - CSR_PMPADDR0]; break; }
    return EXC_ILLEGAL;
  }
  *val = v;
  return 0;
}

int csr_write(Machine *m, int csr, uint64_t v) {
  switch (csr) {
  case CSR_FFLAGS: m->fflags = v & 31; m->mstatus |= MSTATUS_FS; break;
  case CSR_FRM: m->frm = v & 7; m->mstatus |= MSTATUS_FS; break;
  case CSR_FCSR: m->fflags = v & 31; m->frm = (v >> 5) & 7; m->mstatus |= MSTATUS_FS; break;
  case CSR_SSTATUS: {
    uint64_t mask = SSTATUS_MASK & ~(MSTATUS_UXL | MSTATUS_SD);
    uint64_t old = m->mstatus;
    m->mstatus = (old & ~mask) | (v & mask);
    if ((old ^ m->mstatus) & MSTATUS_MXR) tlb_flush_paged(m);
    tlb_select(m);
    break;
  }
  case CSR_SIE: m->mie = (m->mie & ~m->mideleg) | (v & m->mideleg & MIE_MASK); break;
  case CSR_STVEC: m->stvec = (v & 3) >= 2 ? (v & ~3ULL) : v; break;
  case CSR_SCOUNTEREN: m->scounteren = v & 0xffffffff; break;
  case CSR_SSCRATCH: m->sscratch = v; break;
  case CSR_SEPC: m->sepc = v & ~1ULL; break;
  case CSR_SCAUSE: m->scause = v; break;
  case CSR_STVAL: m->stval = v; break;
  case CSR_SIP: m->mip = (m->mip & ~(MIP_SSIP & m->mideleg)) | (v & MIP_SSIP & m->mideleg); break;
  case CSR_SATP: {
    uint64_t mode = v >> 60;
    if (mode != 0 && mode != 8) break; /* WARL: unsupported modes leave satp unchanged */
    m->satp = v & ((0xfULL << 60) | ((1ULL << 44) - 1)); /* ASIDLEN = 0 */
    tlb_flush_paged(m);
    tlb_select(m);
    break;
  }
  case CSR_MSTATUS: {
    uint64_t old = m->mstatus;
    uint64_t nv = (old & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
    if (((nv >> MSTATUS_MPP_SHIFT) & 3) == 2) nv &= ~MSTATUS_MPP;
    m->mstatus = nv;
    if ((old ^ nv) & MSTATUS_MXR) tlb_flush_paged(m);
    tlb_select(m);
    break;
  }
  case CSR_MISA: break;
  case CSR_MEDELEG: m->medeleg = v & MEDELEG_MASK; break;
  case CSR_MIDELEG: m->mideleg = v & DELEG_INT_MASK; break;
  case CSR_MIE: m->mie = v & MIE_MASK; break;
  case CSR_MTVEC: m->mtvec = (v & 3) >= 2 ? (v & ~3ULL) : v; break;
  case CSR_MCOUNTEREN: m->mcounteren = v & 0xffffffff; break;
  case CSR_MCOUNTINHIBIT: m->mcountinhibit = v & 0xfffffffd; break;
  case CSR_MSCRATCH: m->mscratch = v; break;
  case CSR_MEPC: m->mepc = v & ~1ULL; break;
  case CSR_MCAUSE: m->mcause = v; break;
  case CSR_MTVAL: m->mtval = v; break;
  case CSR_MIP: {
    uint64_t mask = MIP_SSIP | MIP_STIP | MIP_SEIP;
    m->mip = (m->mip & ~mask) | (v & mask);
    break;
  }
  case CSR_PMPCFG0: m->pmpcfg[0] = v; break;
  case CSR_PMPCFG2: m->pmpcfg[1] = v; break;
  case CSR_MCYCLE: case CSR_MINSTRET: m->instret = v; break;
  default:
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) { m->pmpaddr[csr - CSR_PMPADDR0] = v & ((1ULL << 54) - 1); break; }
    break;
  }
  return 0;
}

static void trap_enter(Machine *m, uint64_t cause, uint64_t tval, bool interrupt) {
  int code = (int)(cause & 63);
  bool deleg = m->priv <= PRV_S && (((interrupt ? m->mideleg : m->medeleg) >> code) & 1);
  uint64_t c = interrupt ? (cause | (1ULL << 63)) : cause;
  if (deleg) {
    m->scause = c;
    m->sepc = m->pc;
    m->stval = tval;
    uint64_t s = m->mstatus;
    s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
    s &= ~(MSTATUS_SIE | MSTATUS_SPP);
    if (m->priv == PRV_S) s |= MSTATUS_SPP;
    m->mstatus = s;
    m->priv = PRV_S;
    m->pc = (m->stvec & ~3ULL) + ((interrupt && (m->stvec & 1)) ? 4 * (uint64_t)code : 0);
  } else {
    m->mcause = c;
    m->mepc = m->pc;
    m->mtval = tval;
    uint64_t s = m->mstatus;
    s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
    s &= ~(MSTATUS_MIE | MSTATUS_MPP);
    s |= (uint64_t)m->priv << MSTATUS_MPP_SHIFT;
    m->mstatus = s;
    m->priv = PRV_M;
    m->pc = (m->mtvec & ~3ULL) + ((interrupt && (m->mtvec & 1)) ? 4 * (uint64_t)code : 0);
  }
  tlb_select(m);
}

void cpu_raise_exception(Machine *m, int cause, uint64_t tval) {
  trap_enter(m, (uint64_t)cause, tval, false);
}

uint64_t cpu_pending_interrupts(Machine *m) {
  uint64_t pend = m->mip & m->mie;
  if (!pend) return 0;
  uint64_t enabled = 0;
  bool m_on = m->priv < PRV_M || (m->mstatus & MSTATUS_MIE);
  bool s_on = m->priv < PRV_S || (m->priv == PRV_S && (m->mstatus & MSTATUS_SIE));
  if (m_on) enabled |= pend & ~m->mideleg;
  if (s_on) enabled |= pend & m->mideleg;
  return enabled;
}

bool cpu_check_interrupts(Machine *m) {
  uint64_t en = cpu_pending_interrupts(m);
  if (!en) return false;
  static const int order[6] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};
  uint64_t mlevel = en & ~m->mideleg;
  uint64_t set = mlevel ? mlevel : en;
  for (int i = 0; i < 6; i++) {
    if (set & (1ULL << order[i])) {
      m->wfi = false;
      trap_enter(m, (uint64_t)order[i], 0, true);
      return true;
    }
  }
  return false;
}

int cpu_mret(Machine *m) {
  if (m->priv != PRV_M) return EXC_ILLEGAL;
  uint64_t s = m->mstatus;
  int mpp = (int)((s >> MSTATUS_MPP_SHIFT) & 3);
  s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
  s |= MSTATUS_MPIE;
  s &= ~MSTATUS_MPP;
  if (mpp != PRV_M) s &= ~MSTATUS_MPRV;
  m->mstatus = s;
  m->priv = mpp;
  m->pc = m->mepc;
  tlb_select(m);
  return 0;
}

int cpu_sret(Machine *m) {
  if (m->priv < PRV_S || (m->priv == PRV_S && (m->mstatus & MSTATUS_TSR))) return EXC_ILLEGAL;
  uint64_t s = m->mstatus;
  int spp = (s & MSTATUS_SPP) ? PRV_S : PRV_U;
  s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
  s |= MSTATUS_SPIE;
  s &= ~(MSTATUS_SPP | MSTATUS_MPRV);
  m->mstatus = s;
  m->priv = spp;
  m->pc = m->sepc;
  tlb_select(m);
  return 0;
}
