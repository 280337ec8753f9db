/* A hot loop for the MIPS figure (ALU, loads, stores, branches: a byte histogram and an xorshift
 * over a 64 KiB buffer); prints a checksum so it is compared like the other programs. */
#include "lib.h"

#ifndef ROUNDS
#define ROUNDS 24 /* the test; more for a steadier MIPS figure (-DROUNDS=300) */
#endif
static u8 buf[65536];
static u64 hist[256];

int main(void) {
  u64 x = 88172645463325252UL, sum = 0;
  for (int round = 0; round < ROUNDS; round++) {
    for (unsigned i = 0; i < sizeof buf; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      buf[i] = (u8)(x >> 29);
    }
    for (unsigned i = 0; i < sizeof buf; i++) hist[buf[i]]++;
    for (int i = 0; i < 256; i++) sum = sum * 31 + hist[i];
  }
  puts_("bench"); hx(sum); hx(x); nl();
  flush();
  return 0;
}
