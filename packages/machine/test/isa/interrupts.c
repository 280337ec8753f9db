/* interrupts: CLINT timer (mtimecmp -> mip.MTIP -> mcause 0x8000000000000007), CLINT
   software interrupt (msip -> MSIP), priority (MSI before MTI), WFI wake-up with MIE = 0
   and with MIE = 1 (mepc = instruction after wfi), M interrupts preempting S and U
   regardless of mstatus.MIE, delegated S interrupts (SSIP/STIP via mideleg: taken in S
   with SIE, in U always, never in M), undelegated SSIP taken in M, vectored mtvec. */
#include "test.h"

#define INT(n) (CAUSE_INTERRUPT | (n))
#define DEADLINE 20000000ULL   /* 2 s of mtime at 10 MHz */

static volatile u64 seq[8];
static volatile int nseq;
static volatile u64 last_epc, last_status, epcs[8];
static volatile int flag;
static volatile int rearm;   /* timer interrupts to re-arm (a backstop for wfi races) */

static u64 mtime(void) { return mmio_r64(CLINT_MTIME); }
static void timer_at(u64 t) { mmio_w64(CLINT_MTIMECMP, t); }
static void timer_off(void) { mmio_w64(CLINT_MTIMECMP, ~0ULL); }
static void msip(u32 v) { mmio_w32(CLINT_MSIP, v); }

/* M hook: record interrupt causes and quiet the source */
static int m_irq(struct trapframe *f)
{
  if (!(f->cause & CAUSE_INTERRUPT)) return 0;
  if (nseq < 8) { epcs[nseq] = f->epc; seq[nseq++] = f->cause; }
  last_epc = f->epc;
  last_status = f->status;
  switch (f->cause & 0xff) {
  case IRQ_M_TIMER:
    if (rearm > 0) { rearm--; timer_at(mtime() + 2000); } else timer_off();
    break;
  case IRQ_M_SOFT: msip(0); break;
  case IRQ_S_SOFT: csr_clear(mip, MIP_SSIP); break;
  case IRQ_S_TIMER: csr_clear(mip, MIP_STIP); break;
  default: return 0;
  }
  flag = 1;
  return 1;
}

/* S hook: record, and quiet: SSIP is cleared in sip; STIP (only M can clear it) is masked */
static int s_irq(struct trapframe *f)
{
  if (!(f->cause & CAUSE_INTERRUPT)) return 0;
  if (nseq < 8) seq[nseq++] = f->cause;
  last_epc = f->epc;
  last_status = f->status;
  if ((f->cause & 0xff) == IRQ_S_SOFT) csr_clear(sip, MIP_SSIP);
  else if ((f->cause & 0xff) == IRQ_S_TIMER) csr_clear(sie, MIP_STIP);
  else return 0;
  flag = 1;
  return 1;
}

static void reset_seq(void) { nseq = 0; flag = 0; for (int i = 0; i < 8; i++) seq[i] = 0; }

static int wait_flag(void)
{
  u64 end = mtime() + DEADLINE;
  while (!flag && mtime() < end) {}
  return flag;
}

/* lower-mode spinner: waits for flag (set by a handler), returns 1 if seen */
static u64 spin(u64 a) { (void)a; for (u64 i = 0; i < 200000000ULL && !flag; i++) {} return flag; }
/* S-mode: enable SIE and S interrupts, spin */
static u64 s_spin_sie(u64 mask)
{
  csr_set(sie, mask);
  csr_set(sstatus, MSTATUS_SIE);
  u64 r = spin(0);
  csr_clear(sstatus, MSTATUS_SIE);
  return r;
}
/* S-mode: raise SSIP itself with SIE = 1: taken right away */
static u64 s_self_ssip(u64 a)
{
  (void)a;
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  csr_set(sip, MIP_SSIP);
  u64 r = flag;          /* must already be set */
  csr_clear(sstatus, MSTATUS_SIE);
  return r;
}
/* S-mode: raise SSIP with SIE = 0: not taken in S */
static u64 s_ssip_masked(u64 a)
{
  (void)a;
  csr_set(sie, MIP_SSIP);
  csr_clear(sstatus, MSTATUS_SIE);
  csr_set(sip, MIP_SSIP);
  for (volatile int i = 0; i < 10000; i++) {}
  return flag + 10 * ((csr_read(sip) & MIP_SSIP) != 0);
}

/* vectored mode table (4-byte slots): slot n jumps to a stub that marks stval with n
   (16 for slot 0, used by exceptions) and joins the common trap entry */
extern char vtab[];
asm(".text\n\t.balign 256\n\t.globl vtab\nvtab:\n"
    "\t.option push\n\t.option norvc\n"
    "\tj vslot0\n\tj vslot1\n\tj vslot1\n\tj vslot3\n\tj vslot1\n\tj vslot1\n\tj vslot1\n\tj vslot7\n"
    "\tj vslot1\n\tj vslot1\n\tj vslot1\n\tj vslot1\n"
    "vslot0:\n\tcsrwi stval, 16\n\tj mtrap_entry\n"
    "vslot1:\n\tcsrwi stval, 1\n\tj mtrap_entry\n"
    "vslot3:\n\tcsrwi stval, 3\n\tj mtrap_entry\n"
    "vslot7:\n\tcsrwi stval, 7\n\tj mtrap_entry\n"
    "\t.option pop\n");

int main(void)
{
  u64 t;
  pmp_allow_all();
  mtrap_hook = m_irq;
  strap_hook = s_irq;
  csr_write(stvec, (u64)strap_entry);
  timer_off();
  msip(0);

  section("mtimecmp and mip.MTIP");
  CHECK(csr_read(mip) & MIP_MTIP, 0);
  timer_at(0);                                       /* in the past */
  CHECK(csr_read(mip) & MIP_MTIP, MIP_MTIP);
  csr_clear(mip, MIP_MTIP);                          /* read-only in mip */
  CHECK(csr_read(mip) & MIP_MTIP, MIP_MTIP);
  timer_off();
  CHECK(csr_read(mip) & MIP_MTIP, 0);
  CHECK(mmio_r64(CLINT_MTIMECMP), ~0ULL);
  mmio_w32(CLINT_MTIMECMP, 0x12345678);
  mmio_w32(CLINT_MTIMECMP + 4, 0x7fffffff);
  CHECK(mmio_r64(CLINT_MTIMECMP), 0x7fffffff12345678ULL);
  timer_off();

  section("timer interrupt");
  reset_seq();
  csr_write(mie, MIP_MTIP);
  timer_at(mtime() + 2000);
  csr_set(mstatus, MSTATUS_MIE);
  CHECK(wait_flag(), 1);
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(seq[0], INT(IRQ_M_TIMER));
  CHECK(nseq, 1);
  CHECK(last_status & MSTATUS_MPIE, MSTATUS_MPIE);
  CHECK((last_status >> 11) & 3, PRV_M);
  CHECK(csr_read(mcause), INT(IRQ_M_TIMER));

  section("software interrupt");
  reset_seq();
  csr_write(mie, MIP_MSIP);
  msip(1);
  CHECK(mmio_r32(CLINT_MSIP), 1);
  CHECK(csr_read(mip) & MIP_MSIP, MIP_MSIP);
  csr_set(mstatus, MSTATUS_MIE);
  u64 after;
  asm volatile("nop\n\tla %0, 1f\n1:" : "=r"(after));  /* taken right after csrs */
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(seq[0], INT(IRQ_M_SOFT));
  CHECK(nseq, 1);
  CHECK(mmio_r32(CLINT_MSIP), 0);
  CHECK(csr_read(mip) & MIP_MSIP, 0);
  csr_set(mip, MIP_MSIP);                            /* read-only in mip */
  CHECK(csr_read(mip) & MIP_MSIP, 0);
  /* the interrupt is taken at the instruction after the csrs that set MIE */
  reset_seq();
  msip(1);
  asm volatile("csrsi mstatus, 8\n1:\tnop\n\tcsrci mstatus, 8\n\tla %0, 1b" : "=r"(after) :: "memory");
  CHECK(seq[0], INT(IRQ_M_SOFT));
  CHECK(last_epc, after);

  section("priority: MSI before MTI");
  reset_seq();
  csr_write(mie, MIP_MSIP | MIP_MTIP);
  msip(1);
  timer_at(0);
  csr_set(mstatus, MSTATUS_MIE);
  asm volatile("nop\n\tnop");
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(nseq, 2);
  CHECK(seq[0], INT(IRQ_M_SOFT));
  CHECK(seq[1], INT(IRQ_M_TIMER));

  section("wfi");
  reset_seq();
  csr_write(mie, MIP_MTIP);
  t = mtime();
  timer_at(t + 5000);
  for (int i = 0; i < 1000 && !(csr_read(mip) & MIP_MTIP); i++) asm volatile("wfi");
  CHECK(csr_read(mip) & MIP_MTIP, MIP_MTIP);        /* woke up with MIE = 0, no trap */
  CHECK(nseq, 0);
  CHECK_TRUE(mtime() >= t + 5000);
  timer_off();
  /* with MIE = 1 the interrupt is taken after the wfi: mepc = the next instruction. If the
     timer fires before the wfi (a slow host), the handler re-arms it so wfi still wakes. */
  reset_seq();
  rearm = 2;
  timer_at(mtime() + 5000);
  csr_set(mstatus, MSTATUS_MIE);
  asm volatile("1:\twfi\n\tla %0, 1b" : "=r"(after));
  csr_clear(mstatus, MSTATUS_MIE);
  rearm = 0;
  timer_off();
  CHECK(seq[0], INT(IRQ_M_TIMER));
  int woke_after_wfi = 0;
  for (int i = 0; i < nseq; i++) woke_after_wfi |= epcs[i] == after + 4;
  CHECK(woke_after_wfi, 1);                         /* the instruction after wfi */

  section("M interrupts preempt S and U");
  for (int mode = PRV_U; mode <= PRV_S; mode++) {
    reset_seq();
    csr_write(mie, MIP_MTIP);
    csr_clear(mstatus, MSTATUS_MIE);               /* MIE does not matter below M */
    timer_at(mtime() + 3000);
    CHECK(run_in_mode(mode, spin, 0), 1);
    CHECK(seq[0], INT(IRQ_M_TIMER));
    CHECK((last_status >> 11) & 3, (u64)mode);
    CHECK(last_status & MSTATUS_MIE, 0);
  }
  csr_write(mie, 0);

  section("delegated S interrupts");
  csr_write(mideleg, MIP_SSIP | MIP_STIP);
  reset_seq();
  CHECK(run_in_mode(PRV_S, s_self_ssip, 0), 1);
  CHECK(seq[0], INT(IRQ_S_SOFT));
  CHECK(csr_read(scause), INT(IRQ_S_SOFT));
  CHECK(last_status & MSTATUS_SPP, MSTATUS_SPP);
  CHECK(last_status & MSTATUS_SPIE, MSTATUS_SPIE);
  reset_seq();
  CHECK(run_in_mode(PRV_S, s_ssip_masked, 0), 10);  /* pending, not taken */
  CHECK(nseq, 0);
  /* still pending: taken as soon as we run in U (SIE is ignored below S) */
  CHECK(csr_read(mip) & MIP_SSIP, MIP_SSIP);
  CHECK(run_in_mode(PRV_U, spin, 0), 1);
  CHECK(seq[0], INT(IRQ_S_SOFT));
  CHECK(last_status & MSTATUS_SPP, 0);
  /* S-level interrupts are never taken in M, even with SIE and MIE */
  reset_seq();
  csr_set(mip, MIP_SSIP);
  csr_set(mstatus, MSTATUS_SIE | MSTATUS_MIE);
  asm volatile("nop\n\tnop\n\tnop");
  csr_clear(mstatus, MSTATUS_SIE | MSTATUS_MIE);
  CHECK(nseq, 0);
  CHECK(run_in_mode(PRV_S, s_spin_sie, MIP_SSIP), 1); /* taken once S enables it */
  CHECK(seq[0], INT(IRQ_S_SOFT));
  /* STIP raised by M (as OpenSBI does for the S timer) */
  reset_seq();
  csr_set(mip, MIP_STIP);
  CHECK(csr_read(mip) & MIP_STIP, MIP_STIP);
  CHECK(csr_read(sip) & MIP_STIP, MIP_STIP);
  CHECK(run_in_mode(PRV_S, s_spin_sie, MIP_STIP), 1);
  CHECK(seq[0], INT(IRQ_S_TIMER));
  csr_clear(mip, MIP_STIP);
  CHECK(csr_read(mip) & MIP_STIP, 0);
  csr_write(sie, 0);
  /* not delegated: SSIP goes to M */
  csr_write(mideleg, 0);
  reset_seq();
  csr_write(mie, MIP_SSIP);
  csr_set(mip, MIP_SSIP);
  csr_set(mstatus, MSTATUS_MIE);
  asm volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(seq[0], INT(IRQ_S_SOFT));
  CHECK(csr_read(mip) & MIP_SSIP, 0);
  csr_write(mie, 0);

  section("vectored mtvec");
  u64 saved_mtvec = csr_read(mtvec);
  csr_write(mtvec, (u64)vtab | 1);
  CHECK(csr_read(mtvec), (u64)vtab | 1);
  reset_seq();
  csr_write(stval, 0);
  csr_write(mie, MIP_MTIP);
  timer_at(0);
  csr_set(mstatus, MSTATUS_MIE);
  asm volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(seq[0], INT(IRQ_M_TIMER));
  CHECK(csr_read(stval), 7);
  reset_seq();
  csr_write(mie, MIP_MSIP);
  msip(1);
  csr_set(mstatus, MSTATUS_MIE);
  asm volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK(seq[0], INT(IRQ_M_SOFT));
  CHECK(csr_read(stval), 3);
  expect_trap();
  asm volatile("li a7, 0\n\tecall" ::: "a7");        /* exceptions use the base address */
  CHECK(trap_cause, CAUSE_MACHINE_ECALL);
  CHECK(csr_read(stval), 16);
  csr_write(mtvec, saved_mtvec);
  csr_write(mie, 0);
  mtrap_hook = 0;
  strap_hook = 0;
  return 0;
}
