/* Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR by CL with counts 0..65, by 1 and by an
 * immediate, SHLD/SHRD by CL and immediate, at 8/16/32/64 bits. Prints result and flags. */
#include "lib.h"

typedef void (*Op)(u64 a, u64 b, u64 cnt, u64 fin, u64 *r, u64 *f);

#define SH(name, insn, T)                                                                       \
  static void name(u64 a, u64 b, u64 cnt, u64 fin, u64 *res, u64 *fl) {                         \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %%cl, %[r]\n pushfq\n pop %[f]"             \
                     : [r] "+r"(r), [f] "=&r"(f) : "c"(cnt), [fi] "r"(fin) : "cc");             \
    *res = r; *fl = f;                                                                          \
  }
#define SH1(name, insn, T)                                                                      \
  static void name(u64 a, u64 b, u64 cnt, u64 fin, u64 *res, u64 *fl) {                         \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %[r]\n " insn " $1, %[r]\n " insn           \
                     " $7, %[r]\n pushfq\n pop %[f]"                                            \
                     : [r] "+r"(r), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                       \
    *res = r; *fl = f;                                                                          \
  }
#define SHD(name, insn, T)                                                                      \
  static void name(u64 a, u64 b, u64 cnt, u64 fin, u64 *res, u64 *fl) {                         \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " %%cl, %[b], %[r]\n pushfq\n pop %[f]"       \
                     : [r] "+r"(r), [f] "=&r"(f) : [b] "r"((T)b), "c"(cnt), [fi] "r"(fin) : "cc"); \
    *res = r; *fl = f;                                                                          \
  }
#define SHDI(name, insn, T)                                                                     \
  static void name(u64 a, u64 b, u64 cnt, u64 fin, u64 *res, u64 *fl) {                         \
    T r = (T)a; u64 f;                                                                          \
    __asm__ volatile("push %[fi]\n popfq\n " insn " $3, %[b], %[r]\n pushfq\n pop %[f]"         \
                     : [r] "+r"(r), [f] "=&r"(f) : [b] "r"((T)b), [fi] "r"(fin) : "cc");        \
    *res = r; *fl = f;                                                                          \
  }
#define SIZES(m, n, i) m(n##b, i "b", u8) m(n##w, i "w", u16) m(n##l, i "l", u32) m(n##q, i "q", u64)
#define SIZES3(m, n, i) m(n##w, i "w", u16) m(n##l, i "l", u32) m(n##q, i "q", u64)
SIZES(SH, shl, "shl") SIZES(SH, shr, "shr") SIZES(SH, sar, "sar") SIZES(SH, rol, "rol")
SIZES(SH, ror, "ror") SIZES(SH, rcl, "rcl") SIZES(SH, rcr, "rcr")
SIZES(SH1, shl1, "shl") SIZES(SH1, sar1, "sar") SIZES(SH1, rol1, "rol") SIZES(SH1, rcr1, "rcr")
SIZES3(SHD, shld, "shld") SIZES3(SHD, shrd, "shrd") SIZES3(SHDI, shldi, "shld") SIZES3(SHDI, shrdi, "shrd")

#define OPS(n) {#n "b", n##b}, {#n "w", n##w}, {#n "l", n##l}, {#n "q", n##q}
#define OPS3(n) {#n "w", n##w}, {#n "l", n##l}, {#n "q", n##q}
static const struct { const char *name; Op fn; int counts; } ops[] = {
  OPS(shl), OPS(shr), OPS(sar), OPS(rol), OPS(ror), OPS(rcl), OPS(rcr),
  OPS(shl1), OPS(sar1), OPS(rol1), OPS(rcr1), OPS3(shld), OPS3(shrd), OPS3(shldi), OPS3(shrdi),
};

int main(void) {
  static const u64 fins[] = {0x202, 0x203, 0x202 | FLAGS, 0x203 | FLAGS};
  for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    for (u64 cnt = 0; cnt <= 65; cnt++) {
      for (int i = 0; i < 6; i++) {
        u64 a = i == 0 ? 0 : i == 1 ? ~0UL : i == 2 ? 0x8000000000000080UL : rnd(), b = rnd(), r, f;
        u64 fin = fins[(cnt + i) % 4];
        ops[k].fn(a, b, cnt, fin, &r, &f);
        puts_(ops[k].name); hx(a); hx(b); hx(cnt); hx(fin & FLAGS); hx(r); hx(f & FLAGS); nl();
      }
    }
  }
  flush();
  return 0;
}
