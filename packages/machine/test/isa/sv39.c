/* sv39: page-based virtual memory. 3-level walks to 4 KiB pages, 2 MiB megapages and 1 GiB
   gigapages (also at the top of the address space), invalid and reserved PTEs, misaligned
   superpages, non-canonical addresses, R/W/X/U permissions with SUM and MXR, hardware A/D
   updates (as QEMU 7.2 does), fault causes with stval/mtval = the virtual address,
   delegated page faults, sfence.vma after remapping data and code pages, a fetch that
   crosses into an unmapped page, MPRV loads/stores from M-mode, satp WARL. */
#include "test.h"

#define PG 4096
#define ALIGNED __attribute__((aligned(PG)))
static u64 root[512] ALIGNED, l1a[512] ALIGNED, l0a[512] ALIGNED;
static volatile u64 pages[8][512] ALIGNED;
static volatile u32 codepages[4][1024] ALIGNED;

#define PTE(pa, fl) ((((u64)(pa)) >> 12) << 10 | (fl))
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VA_DATA 0x40000000ULL
#define VA(i) (VA_DATA + (u64)(i) * PG)
#define VA_MEGA 0x40200000ULL
#define VA_MEGA_BAD 0x40400000ULL
#define VA_GIGA_RO 0xC0000000ULL
#define VA_UALIAS 0x100000000ULL
#define VA_GIGA_BAD 0x140000000ULL
#define VA_HIGH 0xffffffc000000000ULL
#define ALIAS_U(p) ((u64)(p) - 0x80000000ULL + VA_UALIAS)

extern char u_ld[], u_sd[], u_call[];

static inline void sfence(void) { asm volatile("sfence.vma" ::: "memory"); }

/* S-mode helpers (identity-mapped code) */
static u64 s_ld(u64 va) { u64 v; asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(va) : "memory"); return v; }
static u64 s_lw(u64 va) { u64 v; asm volatile("lw %0, 0(%1)" : "=r"(v) : "r"(va) : "memory"); return v; }
static u64 s_sd(u64 va) { asm volatile("sd %0, 0(%1)" :: "r"(0x5aUL), "r"(va) : "memory"); return 1; }
static u64 s_ld_sum(u64 va) { csr_set(sstatus, MSTATUS_SUM); u64 v = s_ld(va); csr_clear(sstatus, MSTATUS_SUM); return v; }
static u64 s_sd_sum(u64 va) { csr_set(sstatus, MSTATUS_SUM); s_sd(va); csr_clear(sstatus, MSTATUS_SUM); return 1; }
static u64 s_ld_mxr(u64 va) { csr_set(sstatus, MSTATUS_MXR); u64 v = s_ld(va); csr_clear(sstatus, MSTATUS_MXR); return v; }
/* call code at va; a fetch fault resumes after the call (trap_resume) */
static u64 s_call(u64 va)
{
  u64 r;
  asm volatile("la t0, 1f\n\tsd t0, %1\n\tmv a0, zero\n\tjalr %2\n1:\tmv %0, a0\n\tsd zero, %1"
               : "=r"(r), "=m"(trap_resume) : "r"(va) : "t0", "a0", "ra", "memory");
  return r;
}
static u64 s_call_sum(u64 va) { csr_set(sstatus, MSTATUS_SUM); u64 r = s_call(va); csr_clear(sstatus, MSTATUS_SUM); return r; }
static u64 s_sfence_va(u64 va) { asm volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); return 0; }

#define FAULT_S(fn, va, cause) do { \
    expect_trap(); run_in_mode(PRV_S, fn, va); \
    CHECK(trap_count, 1); CHECK(trap_cause, cause); CHECK(trap_tval, va); } while (0)
#define FAULT_U(fn, va, cause) do { \
    expect_trap(); run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(fn), va); \
    CHECK(trap_count, 1); CHECK(trap_cause, cause); CHECK(trap_tval, va); } while (0)

static void build_tables(void)
{
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 512; j++) pages[i][j] = ((u64)i << 56) | ((u64)j << 3) | 0x5500000000ULL;
  for (int i = 0; i < 8; i++) pages[i][0] = 0x1000 + i;
  root[0] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);             /* MMIO, identity */
  root[1] = PTE(l1a, PTE_V);
  root[2] = PTE(0x80000000ULL, RWXAD);                                   /* RAM identity */
  root[3] = PTE(0x80000000ULL, PTE_V | PTE_R | PTE_A);                   /* read-only alias */
  root[4] = PTE(0x80000000ULL, RWXAD | PTE_U);                           /* U alias */
  root[5] = PTE(0x80200000ULL, RWXAD);                                   /* misaligned gigapage */
  root[256] = PTE(0x80000000ULL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); /* top of the VA space */
  l1a[0] = PTE(l0a, PTE_V);
  l1a[1] = PTE(0x80000000ULL, PTE_V | PTE_R | PTE_A);                    /* megapage */
  l1a[2] = PTE(0x80001000ULL, PTE_V | PTE_R | PTE_A);                    /* misaligned megapage */
  l0a[0] = PTE(pages[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  l0a[1] = PTE(pages[1], PTE_V | PTE_R | PTE_A);
  l0a[2] = PTE(pages[2], PTE_V | PTE_X | PTE_A);
  l0a[3] = PTE(pages[3], PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  l0a[4] = PTE(pages[4], PTE_R | PTE_W | PTE_A | PTE_D);                 /* V = 0 */
  l0a[5] = PTE(pages[5], PTE_V | PTE_W | PTE_A | PTE_D);                 /* W without R: reserved */
  l0a[6] = PTE(pages[6], PTE_V | PTE_R | PTE_W);                         /* A = D = 0 */
  l0a[7] = PTE(pages[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);         /* alias of page 0 */
  l0a[8] = PTE(pages[7], PTE_V);                                         /* non-leaf at level 0 */
  l0a[9] = PTE(pages[7], PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);         /* U code/data */
  l0a[16] = PTE(codepages[0], PTE_V | PTE_R | PTE_X | PTE_A);            /* code; [17] unmapped */
  l0a[32] = PTE(codepages[1], PTE_V | PTE_R | PTE_X | PTE_A);            /* remapped to [2] later */
  /* code: addi a0, zero, N ; ret */
  codepages[1][0] = 0x00100513; codepages[1][1] = 0x00008067;
  codepages[2][0] = 0x00200513; codepages[2][1] = 0x00008067;
  /* at 0xffc: c.li a0, 5 ; addi a0, a0, 1 (4 bytes at 0xffe, crossing into page 17) */
  ((volatile uint16_t *)codepages[0])[0xffc / 2] = 0x4515;
  ((volatile uint16_t *)codepages[0])[0xffe / 2] = 0x0513;   /* low half of addi a0,a0,1 = 0x00150513 */
  /* page 3 (mapped at VA(17) later): high half 0x0015, then c.jr ra */
  ((volatile uint16_t *)codepages[3])[0] = 0x0015;
  ((volatile uint16_t *)codepages[3])[1] = 0x8082;
  /* at 0x100: c.li a0, 9 ; c.jr ra */
  ((volatile uint16_t *)codepages[0])[0x100 / 2] = 0x4525;
  ((volatile uint16_t *)codepages[0])[0x102 / 2] = 0x8082;
  /* page 7 (U-executable at VA(9)): addi a0, zero, 3 ; ret */
  pages[7][0] = 0x0000806700300513ULL;
  asm volatile("fence.i" ::: "memory");
}

int main(void)
{
  pmp_allow_all();
  build_tables();
  csr_write(stvec, (u64)strap_entry);

  section("satp");
  u64 satp = SATP_MODE_SV39 | ((u64)root >> 12);
  csr_write(satp, satp);
  sfence();
  CHECK(csr_read(satp), satp);
  csr_write(satp, (3ULL << 60) | 5);        /* reserved mode: the write is ignored */
  CHECK(csr_read(satp), satp);
  CHECK(run_in_mode(PRV_S, s_ld, (u64)&pages[0][0]), 0x1000);   /* identity RAM works */

  section("4 KiB pages, 3 levels");
  CHECK(run_in_mode(PRV_S, s_ld, VA(0)), 0x1000);
  CHECK(run_in_mode(PRV_S, s_ld, VA(0) + 8 * 5), pages[0][5]);
  CHECK(run_in_mode(PRV_S, s_ld, VA(1)), 0x1001);
  CHECK(run_in_mode(PRV_S, s_ld, VA(7)), 0x1000);
  CHECK(run_in_mode(PRV_S, s_sd, VA(0) + 16), 1);
  CHECK(pages[0][2], 0x5a);
  CHECK(run_in_mode(PRV_S, s_ld, VA(7) + 16), 0x5a);
  CHECK(run_in_mode(PRV_S, s_lw, VA(1) + 4092), (u64)(i32)(pages[1][511] >> 32));

  section("megapages and gigapages");
  CHECK(run_in_mode(PRV_S, s_ld, VA_MEGA + ((u64)&pages[2][3] - 0x80000000ULL)), pages[2][3]);
  CHECK(run_in_mode(PRV_S, s_ld, VA_GIGA_RO + ((u64)&pages[3][4] - 0x80000000ULL)), pages[3][4]);
  CHECK(run_in_mode(PRV_S, s_ld, VA_HIGH + ((u64)&pages[4][1] - 0x80000000ULL)), pages[4][1]);
  CHECK(run_in_mode(PRV_S, s_sd, VA_HIGH + ((u64)&pages[4][2] - 0x80000000ULL)), 1);
  CHECK(pages[4][2], 0x5a);

  section("invalid and reserved PTEs");
  FAULT_S(s_ld, VA(4), CAUSE_LOAD_PAGE_FAULT);
  FAULT_S(s_sd, VA(4) + 8, CAUSE_STORE_PAGE_FAULT);
  FAULT_S(s_ld, VA(5), CAUSE_LOAD_PAGE_FAULT);
  FAULT_S(s_ld, VA(8), CAUSE_LOAD_PAGE_FAULT);
  FAULT_S(s_ld, VA(100), CAUSE_LOAD_PAGE_FAULT);          /* PTE = 0 */
  FAULT_S(s_ld, VA_MEGA_BAD + 0x10, CAUSE_LOAD_PAGE_FAULT);
  FAULT_S(s_ld, VA_GIGA_BAD + 0x18, CAUSE_LOAD_PAGE_FAULT);
  FAULT_S(s_ld, 0x0000004000000000ULL, CAUSE_LOAD_PAGE_FAULT);   /* not sign-extended */
  FAULT_S(s_sd, 0xff00000080000000ULL, CAUSE_STORE_PAGE_FAULT);
  FAULT_S(s_ld, 0x7fffffffffULL, CAUSE_LOAD_PAGE_FAULT);          /* root[511] = 0 */

  section("R/W/X permissions, MXR");
  FAULT_S(s_sd, VA(1) + 8, CAUSE_STORE_PAGE_FAULT);
  FAULT_S(s_sd, VA_GIGA_RO + 0x1000, CAUSE_STORE_PAGE_FAULT);
  FAULT_S(s_ld, VA(2), CAUSE_LOAD_PAGE_FAULT);             /* execute-only */
  CHECK(run_in_mode(PRV_S, s_ld_mxr, VA(2)), 0x1002);       /* MXR: X implies readable */
  expect_trap();
  run_in_mode(PRV_S, s_call, VA(0));                        /* not executable */
  CHECK(trap_cause, CAUSE_FETCH_PAGE_FAULT);
  CHECK(trap_epc, VA(0));
  CHECK(trap_tval, VA(0));
  CHECK(run_in_mode(PRV_S, s_call, VA(16) + 0x100), 9);     /* executable page at a VA */

  section("U and SUM");
  FAULT_S(s_ld, VA(3), CAUSE_LOAD_PAGE_FAULT);             /* S on a U page without SUM */
  FAULT_S(s_sd, VA(3), CAUSE_STORE_PAGE_FAULT);
  CHECK(run_in_mode(PRV_S, s_ld_sum, VA(3)), 0x1003);
  CHECK(run_in_mode(PRV_S, s_sd_sum, VA(3) + 8), 1);
  CHECK(pages[3][1], 0x5a);
  expect_trap();
  run_in_mode(PRV_S, s_call_sum, VA(9));                    /* S never executes U pages */
  CHECK(trap_cause, CAUSE_FETCH_PAGE_FAULT);
  CHECK(trap_tval, VA(9));
  CHECK(run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(u_ld), VA(3)), 0x1003);
  CHECK(run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(u_sd), VA(3) + 16), 1);
  CHECK(pages[3][2], 0x5a);
  CHECK(run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(u_call), VA(9)), 3);
  FAULT_U(u_ld, VA(0), CAUSE_LOAD_PAGE_FAULT);              /* U on an S page */
  FAULT_U(u_sd, VA(0), CAUSE_STORE_PAGE_FAULT);
  FAULT_U(u_ld, (u64)&pages[0][0], CAUSE_LOAD_PAGE_FAULT);  /* identity map is S-only */
  expect_trap();
  run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(u_call), VA(16) + 0x100);
  CHECK(trap_cause, CAUSE_FETCH_PAGE_FAULT);
  CHECK(trap_tval, VA(16) + 0x100);
  trap_expect = 0;

  section("A/D bits");
  CHECK(l0a[6] & (PTE_A | PTE_D), 0);
  CHECK(run_in_mode(PRV_S, s_ld, VA(6)), 0x1006);
  CHECK(l0a[6] & PTE_A, PTE_A);
  CHECK(l0a[6] & PTE_D, 0);
  CHECK(run_in_mode(PRV_S, s_sd, VA(6) + 8), 1);
  CHECK(l0a[6] & (PTE_A | PTE_D), PTE_A | PTE_D);
  CHECK(pages[6][1], 0x5a);

  section("sfence.vma");
  CHECK(run_in_mode(PRV_S, s_ld, VA(7)), 0x1000);
  l0a[7] = PTE(pages[1], PTE_V | PTE_R | PTE_A);
  sfence();
  CHECK(run_in_mode(PRV_S, s_ld, VA(7)), 0x1001);
  l0a[7] = PTE(pages[2], PTE_V | PTE_R | PTE_A);
  run_in_mode(PRV_S, s_sfence_va, VA(7));
  CHECK(run_in_mode(PRV_S, s_ld, VA(7)), 0x1002);
  l0a[7] = 0;
  asm volatile("sfence.vma %0, %1" :: "r"(VA(7)), "r"(0UL) : "memory");
  FAULT_S(s_ld, VA(7), CAUSE_LOAD_PAGE_FAULT);
  /* code remapping: same VA, other physical page (no fence.i needed: bytes unchanged) */
  for (int i = 0; i < 100; i++) run_in_mode(PRV_S, s_call, VA(32));
  CHECK(run_in_mode(PRV_S, s_call, VA(32)), 1);
  l0a[32] = PTE(codepages[2], PTE_V | PTE_R | PTE_X | PTE_A);
  sfence();
  CHECK(run_in_mode(PRV_S, s_call, VA(32)), 2);

  section("fetch across a page boundary");
  expect_trap();
  run_in_mode(PRV_S, s_call, VA(16) + 0xffc);
  CHECK(trap_cause, CAUSE_FETCH_PAGE_FAULT);
  /* epc = the instruction's address (spec); QEMU 7.2 reports the page boundary instead */
  CHECK_TRUE(trap_epc == VA(16) + 0xffe || trap_epc == VA(17));
  CHECK(trap_tval, VA(17));              /* the faulting part of the instruction */
  l0a[17] = PTE(codepages[3], PTE_V | PTE_R | PTE_X | PTE_A);
  sfence();
  CHECK(run_in_mode(PRV_S, s_call, VA(16) + 0xffc), 6);   /* c.li 5; addi +1 (split); c.jr ra */

  section("delegated page faults");
  csr_write(medeleg, (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT));
  expect_trap();
  run_in_mode(PRV_S, s_ld, VA(4) + 0x20);
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK(trap_tval, VA(4) + 0x20);
  CHECK(csr_read(stval), VA(4) + 0x20);
  expect_trap();
  run_in_mode(PRV_U, (u64 (*)(u64))ALIAS_U(u_sd), VA(1));
  CHECK(trap_mode, PRV_S);
  CHECK(trap_cause, CAUSE_STORE_PAGE_FAULT);
  CHECK(trap_tval, VA(1));
  CHECK((trap_status >> 8) & 1, 0);
  csr_write(medeleg, 0);

  section("MPRV");
  u64 v = 0;
  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, MSTATUS_MPP_S);
  asm volatile("csrs mstatus, %2\n\tld %0, 0(%1)\n\tcsrc mstatus, %2"
               : "=&r"(v) : "r"(VA(1)), "r"((u64)MSTATUS_MPRV) : "memory");
  CHECK(v, 0x1001);
  expect_trap();
  csr_set(mstatus, MSTATUS_MPP_S);
  asm volatile("csrs mstatus, %2\n\tld %0, 0(%1)\n\tcsrc mstatus, %2"
               : "=&r"(v) : "r"(VA(4)), "r"((u64)MSTATUS_MPRV) : "memory");
  CHECK(trap_mode, PRV_M);
  CHECK(trap_cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK(trap_tval, VA(4));
  csr_clear(mstatus, MSTATUS_MPP);                         /* MPP = U */
  asm volatile("csrs mstatus, %2\n\tld %0, 0(%1)\n\tcsrc mstatus, %2"
               : "=&r"(v) : "r"(VA(3)), "r"((u64)MSTATUS_MPRV) : "memory");
  CHECK(v, 0x1003);
  expect_trap();
  csr_clear(mstatus, MSTATUS_MPP);
  asm volatile("csrs mstatus, %1\n\tsd zero, 0(%0)\n\tcsrc mstatus, %1"
               :: "r"(VA(0)), "r"((u64)MSTATUS_MPRV) : "memory");
  CHECK(trap_cause, CAUSE_STORE_PAGE_FAULT);
  CHECK(trap_tval, VA(0));
  csr_set(mstatus, MSTATUS_MPP_S | MSTATUS_MXR);            /* MXR applies to MPRV accesses */
  asm volatile("csrs mstatus, %2\n\tld %0, 0(%1)\n\tcsrc mstatus, %2"
               : "=&r"(v) : "r"(VA(2)), "r"((u64)MSTATUS_MPRV) : "memory");
  CHECK(v, 0x1002);
  csr_clear(mstatus, MSTATUS_MXR);

  csr_write(satp, 0);
  sfence();
  CHECK(csr_read(satp), 0);
  return 0;
}
