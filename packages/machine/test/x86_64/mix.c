/* Compiled code as gcc -O3 emits it (vectorized loops, jump tables, indirect calls, recursion,
 * 128-bit arithmetic, struct copies, double math): the instruction mix of real programs rather
 * than one instruction at a time. Prints checksums of each part. */
#include "lib.h"

static u32 crc_table[256];
static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static u32 crc32(const u8 *p, u64 n) {
  u32 c = ~0u;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static void sort(i64 *a, long n) {
  if (n < 2) return;
  i64 p = a[n / 2];
  long i = 0, j = n - 1;
  while (i <= j) {
    while (a[i] < p) i++;
    while (a[j] > p) j--;
    if (i <= j) { i64 t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
  }
  sort(a, j + 1);
  sort(a + i, n - i);
}

static u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static u64 __attribute__((noinline)) op(int k, u64 a, u64 b) {
  switch (k) { /* a jump table */
  case 0: return a + b;
  case 1: return a - b;
  case 2: return a * b;
  case 3: return b ? a / b : 0;
  case 4: return b ? a % b : 0;
  case 5: return a << (b & 63);
  case 6: return a >> (b & 63);
  case 7: return (u64)((i64)a >> (b & 63));
  case 8: return a ^ b;
  default: return ~a;
  }
}

typedef struct { u64 a, b, c; double d; u32 e; } Rec;
static Rec __attribute__((noinline)) mk(u64 x) { Rec r = {x, x * 3, x ^ 7, (double)x * 0.5, (u32)x}; return r; }

static u32 a32[1024], b32[1024];
static u8 bytes[4096];
static double dv[512];

int main(void) {
  crc_init();
  for (unsigned i = 0; i < sizeof bytes; i++) bytes[i] = (u8)rnd();
  puts_("crc"); hx(crc32(bytes, sizeof bytes)); nl();

  static i64 arr[2000];
  for (int i = 0; i < 2000; i++) arr[i] = (i64)rnd() >> (rnd() & 63);
  sort(arr, 2000);
  u64 h = 0;
  for (int i = 0; i < 2000; i++) h = h * 1000003 ^ (u64)arr[i];
  puts_("sort"); hx(h); hx((u64)arr[0]); hx((u64)arr[1999]); nl();

  puts_("fib"); hx(fib(24)); nl();

  u64 acc = 0;
  u64 (*volatile fp)(int, u64, u64) = op;
  for (int i = 0; i < 5000; i++) acc = acc * 31 + fp(i % 10, rnd(), rnd() >> (rnd() & 63));
  puts_("ops"); hx(acc); nl();

  for (int i = 0; i < 1024; i++) { a32[i] = (u32)rnd(); b32[i] = (u32)rnd(); }
  u32 s = 0, mx = 0;
  for (int i = 0; i < 1024; i++) { a32[i] = a32[i] * 3 + (b32[i] >> 3); s += a32[i] ^ b32[i]; mx = a32[i] > mx ? a32[i] : mx; }
  u8 cmp = 0;
  for (int i = 0; i < 4096; i++) cmp |= bytes[i] == 0x5a;
  puts_("vec"); hx(s); hx(mx); hx(cmp); nl();

  unsigned __int128 p = 1;
  for (int i = 0; i < 40; i++) p = p * (rnd() | 1) + (p >> 64);
  puts_("u128"); hx((u64)(p >> 64)); hx((u64)p); hx((u64)(p / 1000000007u)); hx((u64)(p % 1000000007u)); nl();

  Rec r = {0};
  for (int i = 0; i < 100; i++) { Rec t = mk(rnd()); r.a += t.a; r.b ^= t.b; r.c += t.c; r.d += t.d; r.e += t.e; }
  double rd = r.d;
  u64 bits; __builtin_memcpy(&bits, &rd, 8);
  puts_("rec"); hx(r.a); hx(r.b); hx(r.c); hx(bits); hx(r.e); nl();

  double sum = 0, prod = 1;
  for (int i = 0; i < 512; i++) dv[i] = (double)(i64)(rnd() >> 11) / 9007199254740992.0 - 0.5;
  for (int i = 0; i < 512; i++) { sum += dv[i] * dv[i]; prod *= 1.0 + dv[i] / 1024; }
  double root = __builtin_sqrt(sum);
  i64 conv = (i64)(sum * 1e6);
  float fs = (float)sum;
  u64 b1, b2; u32 b3;
  __builtin_memcpy(&b1, &sum, 8); __builtin_memcpy(&b2, &root, 8); __builtin_memcpy(&b3, &fs, 4);
  u64 b4; __builtin_memcpy(&b4, &prod, 8);
  puts_("fp"); hx(b1); hx(b2); hx((u64)conv); hx(b3); hx(b4); nl();
  flush();
  return 0;
}
