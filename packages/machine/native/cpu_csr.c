/* Control and status registers, traps and interrupts (RISC-V privileged spec 1.12:
 * 2.1 CSR address mapping, 3.1 machine-level CSRs, 3.3 MRET/SRET/WFI, 4.1 supervisor CSRs,
 * 3.1.9 interrupt priority). ASIDs are not implemented (ASIDLEN = 0); SATP accepts Bare and Sv39
 * only (WARL). Counters: cycle = instret; time = CLINT mtime. */
#include "machine.h"

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
  case 0x001: case 0x002: case 0x003:
    if (!(m->mstatus & MSTATUS_FS)) return EXC_ILLEGAL;
    v = csr == 1 ? m->fflags : csr == 2 ? m->frm : ((m->frm << 5) | m->fflags);
    break;
  case 0xc00: case 0xc01: case 0xc02: {
    int bit = csr & 3;
    if (m->priv < PRV_M && !((m->mcounteren >> bit) & 1)) return EXC_ILLEGAL;
    if (m->priv < PRV_S && !((m->scounteren >> bit) & 1)) return EXC_ILLEGAL;
    v = bit == 1 ? machine_mtime(m) : m->instret;
    break;
  }
  case 0x100: v = mstatus_read(m) & SSTATUS_MASK; break;
  case 0x104: v = m->mie & m->mideleg; break;
  case 0x105: v = m->stvec; break;
  case 0x106: v = m->scounteren; break;
  case 0x140: v = m->sscratch; break;
  case 0x141: v = m->sepc; break;
  case 0x142: v = m->scause; break;
  case 0x143: v = m->stval; break;
  case 0x144: v = m->mip & m->mideleg; break;
  case 0x180:
    if (m->priv == PRV_S && (m->mstatus & MSTATUS_TVM)) return EXC_ILLEGAL;
    v = m->satp;
    break;
  case 0xf11: case 0xf12: case 0xf13: case 0xf14: v = 0; break;
  case 0x300: v = mstatus_read(m); break;
  case 0x301: v = m->misa; break;
  case 0x302: v = m->medeleg; break;
  case 0x303: v = m->mideleg; break;
  case 0x304: v = m->mie; break;
  case 0x305: v = m->mtvec; break;
  case 0x306: v = m->mcounteren; break;
  case 0x320: v = m->mcountinhibit; break;
  case 0x340: v = m->mscratch; break;
  case 0x341: v = m->mepc; break;
  case 0x342: v = m->mcause; break;
  case 0x343: v = m->mtval; break;
  case 0x344: v = m->mip; break;
  case 0x3a0: v = m->pmpcfg[0]; break;
  case 0x3a2: v = m->pmpcfg[1]; break;
  case 0xb00: case 0xb02: v = m->instret; break;
  default:
    if (csr >= 0x3b0 && csr < 0x3c0) { v = m->pmpaddr[csr - 0x3b0]; break; }
    return EXC_ILLEGAL;
  }
  *val = v;
  return 0;
}

int csr_write(Machine *m, int csr, uint64_t v) {
  switch (csr) {
  case 0x001: m->fflags = v & 31; m->mstatus |= MSTATUS_FS; break;
  case 0x002: m->frm = v & 7; m->mstatus |= MSTATUS_FS; break;
  case 0x003: m->fflags = v & 31; m->frm = (v >> 5) & 7; m->mstatus |= MSTATUS_FS; break;
  case 0x100: {
    uint64_t mask = SSTATUS_MASK & ~(MSTATUS_UXL | MSTATUS_SD);
    uint64_t old = m->mstatus;
    m->mstatus = (old & ~mask) | (v & mask);
    if ((old ^ m->mstatus) & MSTATUS_MXR) tlb_flush_all(m);
    tlb_select(m);
    break;
  }
  case 0x104: m->mie = (m->mie & ~m->mideleg) | (v & m->mideleg & MIE_MASK); break;
  case 0x105: m->stvec = (v & 3) >= 2 ? (v & ~3ULL) : v; break;
  case 0x106: m->scounteren = v & 0xffffffff; break;
  case 0x140: m->sscratch = v; break;
  case 0x141: m->sepc = v & ~1ULL; break;
  case 0x142: m->scause = v; break;
  case 0x143: m->stval = v; break;
  case 0x144: m->mip = (m->mip & ~(MIP_SSIP & m->mideleg)) | (v & MIP_SSIP & m->mideleg); break;
  case 0x180: {
    uint64_t mode = v >> 60;
    if (mode != 0 && mode != 8) break; /* WARL: unsupported modes leave satp unchanged */
    m->satp = v & ((0xfULL << 60) | ((1ULL << 44) - 1)); /* ASIDLEN = 0 */
    tlb_flush_all(m);
    tlb_select(m);
    break;
  }
  case 0x300: {
    uint64_t old = m->mstatus;
    uint64_t nv = (old & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
    if (((nv >> MSTATUS_MPP_SHIFT) & 3) == 2) nv &= ~MSTATUS_MPP;
    m->mstatus = nv;
    if ((old ^ nv) & MSTATUS_MXR) tlb_flush_all(m);
    tlb_select(m);
    break;
  }
  case 0x301: break;
  case 0x302: m->medeleg = v & MEDELEG_MASK; break;
  case 0x303: m->mideleg = v & DELEG_INT_MASK; break;
  case 0x304: m->mie = v & MIE_MASK; break;
  case 0x305: m->mtvec = (v & 3) >= 2 ? (v & ~3ULL) : v; break;
  case 0x306: m->mcounteren = v & 0xffffffff; break;
  case 0x320: m->mcountinhibit = v & 0xfffffffd; break;
  case 0x340: m->mscratch = v; break;
  case 0x341: m->mepc = v & ~1ULL; break;
  case 0x342: m->mcause = v; break;
  case 0x343: m->mtval = v; break;
  case 0x344: {
    uint64_t mask = MIP_SSIP | MIP_STIP | MIP_SEIP;
    m->mip = (m->mip & ~mask) | (v & mask);
    break;
  }
  case 0x3a0: m->pmpcfg[0] = v; break;
  case 0x3a2: m->pmpcfg[1] = v; break;
  case 0xb00: case 0xb02: m->instret = v; break;
  default:
    if (csr >= 0x3b0 && csr < 0x3c0) { m->pmpaddr[csr - 0x3b0] = v & ((1ULL << 54) - 1); break; }
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
