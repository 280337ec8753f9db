/* traps: synchronous exceptions and privilege transitions. ecall from M/S/U (mcause, mepc,
   mstatus.MPP), illegal instructions (mtval = the instruction bits, reserved compressed
   encodings, privileged instructions and CSRs from lower modes, TW/TSR/TVM), ebreak,
   misaligned loads/stores (handled without a trap, as on QEMU), access faults, delegation
   with medeleg to S-mode (scause/sepc/stval/SPP), mret/sret (MIE/MPIE/MPP, SIE/SPIE/SPP,
   the exit paths). */
#include "test.h"

static u32 insn_at(u64 p) { return *(volatile uint16_t *)p | ((u32)*((volatile uint16_t *)p + 1) << 16); }

#define MPP_OF(s) (((s) >> 11) & 3)
#define SPP_OF(s) (((s) >> 8) & 1)

/* ecall with a7 != EXIT_MAGIC; returns the address of the ecall */
static u64 do_ecall(u64 a) { (void)a; u64 lab; asm volatile("li a7, 0\n1:\tecall\n\tla %0, 1b" : "=r"(lab) :: "a7", "memory"); return lab; }
static u64 do_ebreak(u64 a) { (void)a; u64 lab; asm volatile(".option push\n\t.option norvc\n1:\tebreak\n\t.option pop\n\tla %0, 1b" : "=r"(lab) :: "memory"); return lab; }
static u64 do_illegal(u64 a) { (void)a; u64 lab; asm volatile("1:\t.word 0xffffffff\n\tla %0, 1b" : "=r"(lab) :: "memory"); return lab; }
static u64 do_sret(u64 a) { (void)a; u64 lab; asm volatile("1:\tsret\n\tla %0, 1b" : "=r"(lab) :: "memory"); return lab; }
static u64 do_mret(u64 a) { (void)a; u64 lab; asm volatile("1:\tmret\n\tla %0, 1b" : "=r"(lab) :: "memory"); return lab; }
static u64 do_wfi(u64 a) { (void)a; u64 lab; asm volatile("1:\twfi\n\tla %0, 1b" : "=r"(lab) :: "memory"); return lab; }
static u64 rd_mstatus(u64 a) { (void)a; u64 v; asm volatile("csrr %0, mstatus" : "=r"(v)); return v; }
static u64 rd_sstatus(u64 a) { (void)a; u64 v; asm volatile("csrr %0, sstatus" : "=r"(v)); return v; }
static u64 rd_satp(u64 a) { (void)a; u64 v; asm volatile("csrr %0, satp" : "=r"(v)); return v; }
static u64 do_sfence(u64 a) { (void)a; asm volatile("sfence.vma" ::: "memory"); return 1; }
static u64 ret_arg(u64 a) { return a * 3; }

/* S-mode: sret into a U-mode stub that ecalls (a7 = 0), then exits with value 77 */
extern char u_stub[], u_stub_ecall[];
asm(".text\n\t.balign 4\nu_stub:\n\tli a7, 0\nu_stub_ecall:\n\tecall\n\tli a0, 77\n\tli a7, 0xC2E0\n\tecall\n1:\tj 1b");
static u64 s_sret_to_u(u64 a)
{
  (void)a;
  asm volatile("csrw sepc, %0\n\t"
               "csrc sstatus, %1\n\t"   /* SPP = U */
               "csrs sstatus, %2\n\t"   /* SPIE = 1 */
               "csrc sstatus, %3\n\t"   /* SIE = 0 */
               "sret" :: "r"(u_stub), "r"((u64)MSTATUS_SPP), "r"((u64)MSTATUS_SPIE), "r"((u64)MSTATUS_SIE));
  return 0; /* not reached */
}

static void ecalls(void)
{
  u64 lab;
  section("ecall");
  expect_trap();
  lab = do_ecall(0);
  CHECK(trap_count, 1);
  CHECK(trap_cause, CAUSE_MACHINE_ECALL);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 0);
  CHECK(MPP_OF(trap_status), PRV_M);
  expect_trap();
  lab = run_in_mode(PRV_S, do_ecall, 0);
  CHECK(trap_cause, CAUSE_SUPERVISOR_ECALL);
  CHECK(trap_epc, lab);
  CHECK(MPP_OF(trap_status), PRV_S);
  expect_trap();
  lab = run_in_mode(PRV_U, do_ecall, 0);
  CHECK(trap_cause, CAUSE_USER_ECALL);
  CHECK(trap_epc, lab);
  CHECK(MPP_OF(trap_status), PRV_U);
  CHECK(run_in_mode(PRV_U, ret_arg, 14), 42);
  CHECK(run_in_mode(PRV_S, ret_arg, 5), 15);
}

static void illegal(void)
{
  u64 lab;
  section("illegal instruction");
  expect_trap();
  lab = do_illegal(0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 0xffffffff);
  expect_trap();
  asm volatile("1:\tunimp\n\tla %0, 1b" : "=r"(lab));   /* c.unimp = 0x0000 */
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 0);
  expect_trap();
  asm volatile(".option push\n\t.option norvc\n1:\tunimp\n\t.option pop\n\tla %0, 1b" : "=r"(lab));  /* csrrw x0, cycle, x0 */
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_tval, 0xc0001073);
  static const uint16_t reserved_c[] = {
    0x6501,   /* c.lui a0, 0      (nzimm = 0 reserved) */
    0x6101,   /* c.addi16sp sp, 0 (nzimm = 0 reserved) */
    0x9c41,   /* c.subw ... with funct2 = 10 and bit12=1: reserved (c.* RV64 100111 10) */
    0x4002,   /* c.lwsp x0, 0(sp) (rd = 0 reserved) */
    0x6002,   /* c.ldsp x0, 0(sp) (rd = 0 reserved) */
    0x8002,   /* c.jr x0          (rs1 = 0 reserved) */
  };
  for (unsigned i = 0; i < sizeof reserved_c / sizeof reserved_c[0]; i++) {
    static volatile uint16_t buf[4] __attribute__((aligned(8)));
    buf[0] = reserved_c[i];
    buf[1] = 0x8082;               /* c.jr ra */
    asm volatile("fence.i" ::: "memory");
    expect_trap();
    ((void (*)(void))(u64)buf)();
    CHECK(trap_count, 1);
    CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK(trap_tval, reserved_c[i]);
  }
  section("privileged instructions and CSRs from lower modes");
  expect_trap();
  lab = run_in_mode(PRV_U, do_sret, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, insn_at(lab));
  expect_trap();
  lab = run_in_mode(PRV_S, do_mret, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  expect_trap();
  lab = run_in_mode(PRV_U, do_mret, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  expect_trap();
  lab = run_in_mode(PRV_U, do_wfi, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  expect_trap();
  run_in_mode(PRV_S, rd_mstatus, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  expect_trap();
  run_in_mode(PRV_U, rd_sstatus, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  expect_trap();
  run_in_mode(PRV_U, do_sfence, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  trap_expect = 0;
  CHECK(run_in_mode(PRV_S, rd_sstatus, 0) & MSTATUS_SPP, 0);
  CHECK(run_in_mode(PRV_S, rd_satp, 0), 0);
  CHECK(run_in_mode(PRV_S, do_sfence, 0), 1);
  section("TW/TSR/TVM");
  csr_set(mstatus, MSTATUS_TW);
  expect_trap();
  lab = run_in_mode(PRV_S, do_wfi, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  csr_clear(mstatus, MSTATUS_TW);
  csr_set(mstatus, MSTATUS_TSR);
  expect_trap();
  lab = run_in_mode(PRV_S, do_sret, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  csr_clear(mstatus, MSTATUS_TSR);
  csr_set(mstatus, MSTATUS_TVM);
  expect_trap();
  run_in_mode(PRV_S, rd_satp, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  expect_trap();
  run_in_mode(PRV_S, do_sfence, 0);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  csr_clear(mstatus, MSTATUS_TVM);
}

static void breakpoints(void)
{
  u64 lab;
  section("ebreak");
  expect_trap();
  lab = do_ebreak(0);
  CHECK(trap_cause, CAUSE_BREAKPOINT);
  CHECK(trap_epc, lab);
  CHECK_TRUE(trap_tval == 0 || trap_tval == lab);   /* spec: 0 or the pc */
  CHECK(insn_len_at(lab), 4);
  expect_trap();
  lab = run_in_mode(PRV_U, do_ebreak, 0);
  CHECK(trap_cause, CAUSE_BREAKPOINT);
  CHECK(MPP_OF(trap_status), PRV_U);
}

static volatile u64 mis[4] __attribute__((aligned(64)));
static volatile uint8_t pagecross[8192] __attribute__((aligned(4096)));

static void misaligned(void)
{
  volatile uint8_t *b = (volatile uint8_t *)mis;
  u64 v;
  section("misaligned load/store (no trap)");
  mis[0] = 0x0706050403020100ULL; mis[1] = 0x0f0e0d0c0b0a0908ULL; mis[2] = 0;
  asm volatile("lw %0, 1(%1)" : "=r"(v) : "r"(b)); CHECK(v, 0x04030201);
  asm volatile("lh %0, 7(%1)" : "=r"(v) : "r"(b)); CHECK(v, 0x0807);
  asm volatile("ld %0, 3(%1)" : "=r"(v) : "r"(b)); CHECK(v, 0x0a09080706050403ULL);
  asm volatile("lwu %0, 6(%1)" : "=r"(v) : "r"(b)); CHECK(v, 0x09080706);
  mis[1] = 0xffffffffffffffffULL;
  asm volatile("lw %0, 6(%1)" : "=r"(v) : "r"(b)); CHECK(v, 0xffffffffffff0706ULL);
  asm volatile("sd %0, 13(%1)" :: "r"(0x1122334455667788ULL), "r"(b) : "memory");
  CHECK(mis[1], 0x667788ffffffffffULL);
  CHECK(mis[2], 0x0000001122334455ULL);
  asm volatile("sh %0, 7(%1)" :: "r"(0xaabbULL), "r"(b) : "memory");
  CHECK(mis[0], 0xbb06050403020100ULL);
  asm volatile("sw %0, 15(%1)" :: "r"(0xdeadbeefULL), "r"(b) : "memory");
  CHECK(mis[1], 0xef7788ffffffffaaULL);
  CHECK(mis[2], 0x0000001122deadbeULL);
  /* across a 4 KiB page boundary */
  for (int i = 4088; i < 4104; i++) pagecross[i] = (uint8_t)i;
  asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(&pagecross[4093])); CHECK(v, 0x0403020100fffefdULL);
  asm volatile("sw %0, 0(%1)" :: "r"(0x55aa55aaULL), "r"(&pagecross[4094]) : "memory");
  CHECK(pagecross[4095], 0x55);
  CHECK(pagecross[4096], 0xaa);
  CHECK(pagecross[4097], 0x55);
  asm volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(v) : "r"(&pagecross[4093]));
  CHECK(v, 0x04030255aa55aafdULL);
}

static void access_faults(void)
{
  u64 v = 0, lab;
  section("access faults");
  expect_trap();
  asm volatile("li t0, 0\n1:\tld %0, 0(t0)\n\tla %1, 1b" : "=r"(v), "=r"(lab) :: "t0");
  CHECK(trap_cause, CAUSE_LOAD_ACCESS);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 0);
  expect_trap();
  asm volatile("li t0, 8\n1:\tsw zero, 0(t0)\n\tla %0, 1b" : "=r"(lab) :: "t0", "memory");
  CHECK(trap_cause, CAUSE_STORE_ACCESS);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 8);
  expect_trap();
  asm volatile("la t1, 2f\n\tsd t1, %0\n\tli t0, 16\n\tjalr t0\n2:"
               : "=m"(trap_resume) :: "t0", "t1", "ra", "memory");
  CHECK(trap_cause, CAUSE_FETCH_ACCESS);
  CHECK(trap_epc, 16);
  CHECK(trap_tval, 16);
}

static u64 s_delegated(u64 a)
{
  (void)a;
  u64 lab;
  asm volatile("1:\t.word 0xffffffff\n\tla %0, 1b" : "=r"(lab) :: "memory");
  return lab;
}

/* With S ecalls delegated, run_in_mode's exit ecall would stay in S: leave through a
   load access fault (not delegated) with a7 = EXIT_MAGIC instead. */
static int exit_via_load_fault(struct trapframe *f)
{
  if (f->cause == CAUSE_LOAD_ACCESS && f->x[17] == EXIT_MAGIC) resume_m(f->x[10]);
  return 0;
}

static u64 s_ecall_then_exit(u64 a)
{
  register u64 a0 asm("a0") = do_ecall(a);
  register u64 a7 asm("a7") = EXIT_MAGIC;
  asm volatile("ld zero, 0(zero)" :: "r"(a0), "r"(a7) : "memory");
  return 0;
}

static void delegation(void)
{
  u64 lab;
  section("medeleg");
  csr_write(stvec, (u64)strap_entry);
  csr_write(medeleg, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_BREAKPOINT));
  expect_trap();
  lab = run_in_mode(PRV_U, do_ecall, 0);
  CHECK(trap_count, 1);
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_USER_ECALL);
  CHECK(trap_epc, lab);
  CHECK(SPP_OF(trap_status), 0);
  expect_trap();
  lab = run_in_mode(PRV_S, s_delegated, 0);
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK(trap_epc, lab);
  CHECK(trap_tval, 0xffffffff);
  CHECK(SPP_OF(trap_status), 1);
  expect_trap();
  lab = run_in_mode(PRV_S, do_ecall, 0);        /* S ecall is not delegated */
  CHECK(trap_mode, PRV_M);
  CHECK(trap_cause, CAUSE_SUPERVISOR_ECALL);
  expect_trap();
  lab = do_illegal(0);                           /* traps from M never go to S */
  CHECK(trap_mode, PRV_M);
  CHECK(trap_cause, CAUSE_ILLEGAL_INSTRUCTION);
  expect_trap();
  lab = run_in_mode(PRV_U, do_ebreak, 0);
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_BREAKPOINT);
  csr_set(medeleg, 1 << CAUSE_SUPERVISOR_ECALL);
  expect_trap();
  mtrap_hook = exit_via_load_fault;
  lab = run_in_mode(PRV_S, s_ecall_then_exit, 0);   /* S ecall delegated to S itself */
  mtrap_hook = 0;
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_SUPERVISOR_ECALL);
  CHECK(trap_epc, lab);
  CHECK(csr_read(scause), CAUSE_SUPERVISOR_ECALL);
  CHECK(csr_read(sepc), lab + 4);               /* the handler skipped the ecall */
  csr_write(medeleg, 0);
}

static void xret(void)
{
  section("mret/sret transitions");
  /* mret into S with MPIE = 1: MIE becomes 1, MPIE 1, MPP U; the ecall then shows it */
  csr_set(mstatus, MSTATUS_MPIE);
  csr_clear(mstatus, MSTATUS_MIE);
  expect_trap();
  run_in_mode(PRV_S, do_ecall, 0);
  CHECK(trap_status & MSTATUS_MPIE, MSTATUS_MPIE);   /* MIE was 1 in S, saved in MPIE */
  CHECK(trap_status & MSTATUS_MIE, 0);
  CHECK(MPP_OF(trap_status), PRV_S);
  csr_clear(mstatus, MSTATUS_MPIE);
  expect_trap();
  run_in_mode(PRV_S, do_ecall, 0);
  CHECK(trap_status & MSTATUS_MPIE, 0);
  /* after mret, MPP = U */
  run_in_mode(PRV_S, ret_arg, 0);
  CHECK(MPP_OF(csr_read(mstatus)), PRV_S);   /* set by the exit ecall from S */
  csr_set(mstatus, MSTATUS_MPP);
  asm volatile("la t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:" ::: "t0", "memory");   /* M -> M */
  CHECK(MPP_OF(csr_read(mstatus)), PRV_U);
  /* sret from S into U: SIE = SPIE, SPIE = 1, SPP = U */
  expect_trap();
  CHECK(run_in_mode(PRV_S, s_sret_to_u, 0), 77);
  CHECK(trap_count, 1);
  CHECK(trap_cause, CAUSE_USER_ECALL);
  CHECK(trap_epc, (u64)u_stub_ecall);
  CHECK(trap_status & MSTATUS_SIE, MSTATUS_SIE);
  CHECK(trap_status & MSTATUS_SPIE, MSTATUS_SPIE);
  CHECK(trap_status & MSTATUS_SPP, 0);
  csr_clear(mstatus, MSTATUS_SIE);
  /* Not tested: priv spec 1.12 clears MPRV on an mret to a mode below M; QEMU 7.2 does not
     (packages/machine should, as Linux-era hardware does). */
}

int main(void)
{
  pmp_allow_all();
  ecalls();
  illegal();
  breakpoints();
  misaligned();
  access_faults();
  delegation();
  xret();
  return 0;
}
