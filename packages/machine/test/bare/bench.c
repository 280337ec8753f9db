/* CPU benchmark (integer, loads/stores on separate data pages): sieve + mixing, ~193 M instructions. */
#include "common.h"
static unsigned char sieve[65536] __attribute__((aligned(4096)));
static u64 buf[4096] __attribute__((aligned(4096)));
int main_(void) {
  u64 sum = 0;
  for (int rep = 0; rep < 200; rep++) {
    for (int i = 0; i < 65536; i++) sieve[i] = 1;
    for (int i = 2; i < 256; i++) if (sieve[i]) for (int j = i * i; j < 65536; j += i) sieve[j] = 0;
    for (int i = 0; i < 65536; i++) sum += sieve[i] * (u64)i;
    for (int i = 0; i < 4096; i++) buf[i] = buf[(i * 7) & 4095] * 31 + i + sum;
    sum ^= buf[rep & 4095];
  }
  puts_("bench checksum "); puthex(sum); putch('\n');
  return 0;
}
