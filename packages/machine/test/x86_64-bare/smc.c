/* smc: code that changes after it ran must run as changed, whatever path the change takes:
 * stores through a second virtual mapping of the same frame, a REP MOVSB, a store into the next
 * instruction of the running code; instructions that end in the last bytes of a page, and one that
 * crosses into the next page, whose second page changes by a store or by a new mapping. The
 * decoded-instruction cache must never hand out a stale decode for any of them. */
#include "bare.h"

#define P 1ULL
#define RW 2ULL
#define V 0x40000000ULL /* PDPT[1]: code pages 0, 1 (frames A, B), aliases 2, 3 (A, B), 4 (frame C) */

static u64 pd2[512] __attribute__((aligned(4096)));
static u64 pt[512] __attribute__((aligned(4096)));
static u8 frames[3][4096] __attribute__((aligned(4096)));

static void map(int i, int frame) { pt[i] = (u64)frames[frame] | P | RW; invlpg(V + 4096 * (u64)i); }
static u64 call(u64 va) { u64 r; __asm__ volatile("call *%1" : "=a"(r) : "r"(va) : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory"); return r; }
/* B8 imm32 (mov $imm, %eax), C3 (ret) at va */
static void put_mov_ret(u64 va, u32 imm) {
  u8 code[6] = {0xb8, (u8)imm, (u8)(imm >> 8), (u8)(imm >> 16), (u8)(imm >> 24), 0xc3};
  for (int i = 0; i < 6; i++) *(volatile u8 *)(va + i) = code[i];
}
static u64 run3(u64 va) { call(va); call(va); return call(va); } /* the later calls use any cached decode */

/* a loop whose body rewrites the immediate of the instruction right after the store: every
 * iteration must see the value stored by itself, not the one decoded before */
static u64 patch_next(void) {
  u64 sum = 0;
  for (u32 i = 1; i <= 5; i++) {
    u64 v;
    __asm__ volatile("lea 2f(%%rip), %%rdx\n"
                     "movl %1, 1(%%rdx)\n" /* the imm32 of the mov below */
                     "2: mov $0, %%eax\n"
                     : "=a"(v) : "r"(i * 0x101u) : "rdx", "memory");
    sum = sum * 31 + v;
  }
  return sum;
}

void main(u32 start_info) {
  (void)start_info;
  setup_tables();
  puts_("smc\n");
  pdpt[1] = (u64)pd2 | P | RW;
  pd2[0] = (u64)pt | P | RW;
  map(0, 0); map(1, 1); map(2, 0); map(3, 1); map(4, 2);
  write_cr3(read_cr3());
  /* the same frame through a second mapping */
  put_mov_ret(V + 0x100, 0x11);
  kv("alias.before", run3(V + 0x100));
  put_mov_ret(V + 0x2100, 0x22);
  kv("alias.after", run3(V + 0x100)); nl();
  /* the last bytes of a page: an instruction that ends exactly at the page end */
  u64 end = V + 0x1000 - 6;
  put_mov_ret(end, 0x33);
  kv("pageend.before", run3(end));
  put_mov_ret(end + 0x2000, 0x44); /* through the alias of frame A */
  kv("pageend.alias", run3(end));
  *(volatile u8 *)(end + 1) = 0x55;
  kv("pageend.direct", run3(end));
  /* a 3-byte instruction 9 bytes before the end: its own bytes change, the page's last bytes not */
  u64 near = V + 0x1000 - 9;
  *(volatile u8 *)near = 0x31; *(volatile u8 *)(near + 1) = 0xc0; *(volatile u8 *)(near + 2) = 0xc3; /* xor eax,eax; ret */
  kv("pageend.xor", run3(near));
  *(volatile u8 *)(near + 1) = 0xc9; /* xor ecx,ecx: eax keeps what it had */
  u64 kept;
  __asm__ volatile("mov $0x66, %%eax\n call *%1" : "=a"(kept) : "r"(near) : "rcx", "memory");
  kv("pageend.xor_ecx", kept); nl();
  /* an instruction that crosses from frame A (page 0) into frame B (page 1): mov $imm, %eax at
   * the last 2 bytes of page 0, its last 3 immediate bytes and the ret in page 1 */
  u64 cross = V + 0x1000 - 2;
  put_mov_ret(cross, 0x77665544);
  kv("cross.before", run3(cross));
  *(volatile u8 *)(V + 0x3000 + 1) = 0x99; /* imm byte 2 (page 1 offset 1) through the alias of frame B */
  kv("cross.alias", run3(cross));
  for (int i = 0; i < 4096; i++) frames[2][i] = frames[1][i];
  frames[2][0] = 0x12; frames[2][1] = 0x34; frames[2][2] = 0x56; /* imm bytes 1..3; the ret stays */
  map(1, 2); /* page 1 is now frame C */
  kv("cross.remap", run3(cross)); nl();
  /* a copy by REP MOVSB over code that ran */
  static const u8 ret5[] = {0xb8, 0x05, 0x00, 0x00, 0x00, 0xc3};
  map(1, 1);
  put_mov_ret(V + 0x200, 0x0a);
  kv("movsb.before", run3(V + 0x200));
  u64 dst = V + 0x2200, cnt = sizeof ret5;
  const u8 *src = ret5;
  __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(cnt) : : "memory");
  kv("movsb.after", run3(V + 0x200)); nl();
  kv("patch_next", patch_next()); nl();
  kv("traps", traps); nl();
  exit_(0x15);
}
