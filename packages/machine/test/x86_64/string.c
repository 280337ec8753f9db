/* String instructions: MOVS STOS LODS CMPS SCAS at 8/16/32/64 bits, without and with REP/REPE/
 * REPNE, forwards and backwards (DF), overlapping MOVS, a zero count, and the 32-bit address
 * size (67). Prints the buffers, rSI/rDI/rCX offsets and the flags. */
#include "lib.h"

static u8 src[512], dst[512];

static void fill(void) {
  for (int i = 0; i < 512; i++) { src[i] = (u8)rnd(); dst[i] = (u8)rnd(); }
  /* make equal runs so REPE/REPNE stop at interesting places */
  for (int i = 0; i < 512; i += 1 + (rnd() & 15)) dst[i] = src[i];
}

static void dump(const char *name, u64 si, u64 di, u64 cx, u64 ax, u64 f) {
  puts_(name); hx(si); hx(di); hx(cx); hx(ax); hx(f & FLAGS);
  u64 h = 1469598103934665603UL;
  for (int i = 0; i < 512; i++) { h ^= dst[i]; h *= 1099511628211UL; }
  hx(h); nl();
}

#define STR(name, insn, back)                                                                     \
  static void name(u64 soff, u64 doff, u64 n, u64 ax) {                                           \
    u64 si = (u64)src + soff, di = (u64)dst + doff, cx = n, f;                                    \
    __asm__ volatile(back insn "\n pushfq\n pop %[f]\n cld"                     \
                     : "+S"(si), "+D"(di), "+c"(cx), "+a"(ax), [f] "=r"(f) : : "cc", "memory");   \
    dump(#name, si - (u64)src, di - (u64)dst, cx, ax, f);                                         \
  }
#define ALL(m, n, i, b) m(n##b_, i "b", b) m(n##w_, i "w", b) m(n##l_, i "l", b) m(n##q_, i "q", b)
ALL(STR, movs, "movs", "") ALL(STR, repmovs, "rep movs", "") ALL(STR, repmovsd, "rep movs", "std\n ")
ALL(STR, stos, "stos", "") ALL(STR, repstos, "rep stos", "") ALL(STR, repstosd, "rep stos", "std\n ")
ALL(STR, lods, "lods", "") ALL(STR, replods, "rep lods", "std\n ")
ALL(STR, cmps, "cmps", "") ALL(STR, repecmps, "repe cmps", "") ALL(STR, repnecmps, "repne cmps", "std\n ")
ALL(STR, scas, "scas", "") ALL(STR, repescas, "repe scas", "") ALL(STR, repnescas, "repne scas", "")
ALL(STR, repnescasd, "repne scas", "std\n ")

/* 32-bit address size: addr32 rep movsb with ESI/EDI/ECX */
static void movs32(u64 n) {
  u64 si = (u64)src, di = (u64)dst, cx = n | 0xabcd00000000UL;
  __asm__ volatile("addr32 rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
  dump("movs32", si - (u64)src, di - (u64)dst, cx, 0, 0);
}

typedef void (*Fn)(u64, u64, u64, u64);
#define FNS(n) n##b_, n##w_, n##l_, n##q_
static const Fn fns[] = {
  FNS(movs), FNS(repmovs), FNS(repmovsd), FNS(stos), FNS(repstos), FNS(repstosd), FNS(lods), FNS(replods),
  FNS(cmps), FNS(repecmps), FNS(repnecmps), FNS(scas), FNS(repescas), FNS(repnescas), FNS(repnescasd),
};

int main(void) {
  for (unsigned k = 0; k < sizeof fns / sizeof fns[0]; k++) {
    for (int i = 0; i < 24; i++) {
      fill();
      u64 n = i == 0 ? 0 : rnd() % 40, soff = 192 + (rnd() & 63), doff = 192 + (rnd() & 63); /* in bounds either way */
      if (i % 4 == 1) doff = soff + 1 + (rnd() & 7); /* overlapping, destination above */
      if (i % 4 == 2) doff = soff - 1 - (rnd() & 7); /* overlapping, destination below */
      u64 ax = rnd();
      if (i % 3 == 0) ax = (u64)src[soff] * 0x0101010101010101UL;
      fns[k](soff, doff, n, ax);
    }
  }
  for (u64 n = 0; n < 5; n++) { fill(); movs32(n * 7); }
  /* overlapping memmove-like copies through the same buffer */
  for (int i = 0; i < 16; i++) {
    fill();
    u64 si = (u64)dst + 100, di = (u64)dst + 100 + (rnd() % 20), cx = 1 + rnd() % 64;
    __asm__ volatile("rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    dump("selfmovs", si - (u64)dst, di - (u64)dst, cx, 0, 0);
    si = (u64)dst + 200; di = (u64)dst + 200 + 8 * (rnd() % 4); cx = 1 + rnd() % 16;
    __asm__ volatile("rep movsq" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    dump("selfmovsq", si - (u64)dst, di - (u64)dst, cx, 0, 0);
  }
  flush();
  return 0;
}
