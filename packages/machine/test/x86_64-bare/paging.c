/* paging: 4-level translation with 4 KiB, 2 MiB and 1 GiB pages; #PF error codes and CR2 for
 * not-present, write to read-only (CR0.WP on and off), NX fetch, reserved bits, a page-crossing
 * access; accessed and dirty bits on the leaf and the upper levels; INVLPG and CR3 reloads;
 * non-canonical addresses (#GP). User/supervisor checks are in rings.c. */
#include "bare.h"

#define P 1ULL
#define RW 2ULL
#define US 4ULL
#define A 0x20ULL
#define D 0x40ULL
#define PS 0x80ULL
#define NX (1ULL << 63)
#define V 0x40000000ULL /* PDPT[1]: the 4 KiB test pages */

static u64 pd2[512] __attribute__((aligned(4096)));
static u64 pt[512] __attribute__((aligned(4096)));
static u64 pdpt2[512] __attribute__((aligned(4096)));
static u8 frames[8][4096] __attribute__((aligned(4096)));
static volatile u64 marker = 0x1122334455667788ULL;

static void map(int i, u64 flags) { pt[i] = (u64)frames[i] | flags; invlpg(V + 4096 * (u64)i); }
static u64 rd(u64 va) { u64 v = 0; TRY("mov (%2), %0", : "=r"(v) : "0"(v), "r"(va) : "rax", "memory"); return v; }
static void wr(u64 va, u64 v) { TRY("mov %0, (%1)", : : "r"(v), "r"(va) : "rax", "memory"); }
static void flags(const char *k, u64 e) { kv(k, e & (A | D)); }

void main(u32 start_info) {
  (void)start_info;
  setup_tables();
  puts_("paging\n");
  pdpt[1] = (u64)pd2 | P | RW | US;
  pd2[0] = (u64)pt | P | RW | US;
  for (int i = 0; i < 8; i++) for (int j = 0; j < 4096; j += 8) *(u64 *)&frames[i][j] = 0x1000ULL * i + j;
  write_cr3(read_cr3());
  /* not present: read, write */
  rd(V); report_trap("np.read");
  wr(V + 8, 1); report_trap("np.write");
  flags("pd2.after_np", pd2[0]); flags("pdpt.after_np", pdpt[1]); nl();
  /* present: accessed on read, dirty on write */
  map(0, P | RW);
  kv("read", rd(V + 16)); flags("pte", pt[0]);
  wr(V + 16, 0xabc); flags("pte.w", pt[0]); kv("frame", *(u64 *)&frames[0][16]); nl();
  /* read-only: #PF P|W with CR0.WP, allowed without it */
  map(1, P);
  wr(V + 0x1000, 5); report_trap("ro.write");
  flags("pte.ro", pt[1]);
  write_cr0(read_cr0() & ~0x10000ULL);
  wr(V + 0x1000, 5); kv("wp0.trap", last_vec); kv("wp0.val", *(u64 *)&frames[1][0]); flags("pte.wp0", pt[1]);
  write_cr0(read_cr0() | 0x10000ULL); nl();
  /* NX: a fetch faults with I/D set; without NX the same code runs */
  frames[2][0] = 0xc3; /* ret */
  map(2, P | RW | NX);
  TRY("jmp *%0", : : "r"(V + 0x2000) : "rax", "memory"); report_trap("nx.fetch");
  map(2, P | RW);
  __asm__ volatile("call *%0" : : "r"(V + 0x2000) : "memory");
  kv("nx_off.ran", 1); nl();
  /* reserved bits: above MAXPHYADDR (40), and 2 MiB page bits 20:13. hw: the SDM (vol. 3 4.7)
   * sets P with RSVD; qemu-system-x86_64 7.2 reports RSVD alone */
  pt[3] = (u64)frames[3] | P | RW | (1ULL << 51); invlpg(V + 0x3000);
  rd(V + 0x3000); report_trap("hw: rsvd.pte");
  pd2[1] = 0x200000ULL | (1ULL << 13) | P | RW | PS; invlpg(V + 0x200000);
  rd(V + 0x200000); report_trap("hw: rsvd.pde2m");
  /* a 2 MiB page and a 1 GiB page */
  pd2[2] = 0x000000ULL | P | RW | PS; invlpg(V + 0x400000);
  kv("2m.read_ok", rd(V + 0x400000 + (u64)&marker) == marker); flags("pde2m", pd2[2]);
  pml4[1] = (u64)pdpt2 | P | RW;
  pdpt2[0] = 0 | P | RW | PS;
  pdpt2[1] = (1ULL << 30) | (1ULL << 13) | P | RW | PS;
  write_cr3(read_cr3());
  kv("1g.read_ok", rd((1ULL << 39) + (u64)&marker) == marker); flags("pdpte1g", pdpt2[0]);
  flags("pml4e1", pml4[1]); nl();
  rd((1ULL << 39) + (1ULL << 30)); report_trap("hw: rsvd.pdpte1g");
  /* an 8-byte read crossing from a present page into a not-present one: CR2 = the second page */
  map(6, P | RW);
  pt[7] = 0; invlpg(V + 0x7000);
  rd(V + 0x7000 - 4); report_trap("cross.read");
  wr(V + 0x7000 - 4, 0x5555555555555555ULL); report_trap("cross.write");
  kv("cross.write_untouched", *(u64 *)&frames[6][4092 - 4]); nl();
  /* INVLPG and CR3 reload make a changed mapping visible */
  pt[0] = (u64)frames[5] | P | RW; invlpg(V);
  kv("invlpg.read", rd(V + 8));
  pt[0] = (u64)frames[4] | P | RW; write_cr3(read_cr3());
  kv("cr3.read", rd(V + 8)); nl();
  /* non-canonical: #GP(0), no CR2 */
  rd(0x0000800000000000ULL); report_trap("noncanonical.read");
  /* supervisor reads of a user page (no SMAP) */
  map(5, P | RW | US);
  kv("user_page.read", rd(V + 0x5000 + 8)); nl();
  kv("traps", traps); nl();
  exit_(0x11);
}
