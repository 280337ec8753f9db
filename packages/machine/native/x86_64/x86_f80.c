/* x86-64 CPU: 80-bit extended-precision arithmetic in integers (see x86_f80.h). Every result is
 * the exact value rounded once, by the control word's RC to PC's precision with the 15-bit
 * exponent range (SDM vol. 1 8.1.5.2-3); flags are those of masked exceptions (4.9.1). */
#include "x86_f80.h"

typedef unsigned __int128 u128;
#define BIAS 16383
enum { RC_NEAR, RC_DOWN, RC_UP, RC_ZERO };

static int clz128(u128 m) {
  uint64_t hi = (uint64_t)(m >> 64);
  return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
}
static int is_inf(F80 a) { return (a.se & 0x7fff) == 0x7fff && (a.m << 1) == 0; }
static int is_zero(F80 a) { return (a.se & 0x7fff) == 0 && a.m == 0; }
static int is_snan(F80 a) { return f80_is_nan(a) && !((a.m >> 62) & 1); }
static F80 make(int sign, int exp, uint64_t m) { return (F80){m, (uint16_t)(sign << 15 | exp)}; }
static F80 inf(int sign) { return make(sign, 0x7fff, 1ULL << 63); }
/* the denormal-operand flag (SDM vol. 1 8.5.2): any arithmetic on a denormal sets DE */
static void den(F80Ctx *x, F80 a) { if ((a.se & 0x7fff) == 0 && a.m) x->flags |= FSW_DE; }
static F80 invalid(F80Ctx *x) { x->flags |= FSW_IE; return F80_INDEFINITE; }

/* value = m / 2^127 * 2^(e - bias); the biased exponent of a denormal operand is 1 */
static int32_t unpack(F80 a, u128 *m) {
  int32_t e = a.se & 0x7fff;
  *m = (u128)a.m << 64;
  return e ? e : 1;
}

static int round_up(int rc, int sign, uint64_t q, u128 rem, u128 half) {
  if (!rem) return 0;
  return rc == RC_NEAR ? rem > half || (rem == half && (q & 1)) : rc == RC_DOWN ? sign : rc == RC_UP ? !sign : 0;
}

/* rounds m / 2^127 * 2^(*pe - bias) to p bits with biased exponents 1..emax: returns the p-bit
 * integer mantissa and sets *pe (0 for a denormal or zero, emax + 1 for infinity) */
static uint64_t round_bits(F80Ctx *x, int sign, int32_t *pe, u128 m, int p, int32_t emax) {
  int32_t e = *pe;
  if (m == 0) { *pe = 0; return 0; }
  int lz = clz128(m);
  m <<= lz; e -= lz;
  int den = 0, tiny = 0, normal_after = 0, sh = 128 - p;
  /* tininess after rounding (x86): a value just below the smallest normal that rounds up to it
   * with an unbounded exponent is not tiny */
  if (e == 0) {
    uint64_t q0 = (uint64_t)(m >> sh);
    if (q0 == (p == 64 ? ~0ULL : (1ULL << p) - 1) && round_up(x->rc, sign, q0, m & (((u128)1 << sh) - 1), (u128)1 << (sh - 1))) normal_after = 1;
  }
  if (e < 1) {
    int d = 1 - e;
    if (d > 127) m = 1;
    else m = (m >> d) | ((m & (((u128)1 << d) - 1)) != 0);
    e = 1; den = 1; tiny = !normal_after;
  }
  uint64_t q = (uint64_t)(m >> sh);
  u128 rem = m & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
  int inc = 0;
  if (rem) {
    x->flags |= FSW_PE | (tiny ? FSW_UE : 0);
    inc = round_up(x->rc, sign, q, rem, half);
  }
  if (inc) {
    x->flags |= FSW_C1;
    q++;
    if (p == 64 ? q == 0 : (q >> p) != 0) { q = 1ULL << (p - 1); e++; }
  }
  if (den && !((q >> (p - 1)) & 1)) e = 0;
  if (e > emax) {
    x->flags |= FSW_OE | FSW_PE;
    if (x->rc == RC_NEAR || (x->rc == RC_UP && !sign) || (x->rc == RC_DOWN && sign)) {
      e = emax + 1; q = 1ULL << (p - 1); x->flags |= FSW_C1;
    } else {
      e = emax; q = p == 64 ? ~0ULL : (1ULL << p) - 1; x->flags &= (uint16_t)~FSW_C1;
    }
  }
  *pe = e;
  return q;
}

static F80 pack80(F80Ctx *x, int sign, int32_t e, u128 m) {
  int p = x->pc_bits;
  uint64_t q = round_bits(x, sign, &e, m, p, 0x7ffe);
  return make(sign, e, p == 64 ? q : q << (64 - p));
}

F80 f80_round_wide(F80Ctx *x, int sign, int32_t e, u128 m) {
  F80Ctx full = {x->rc, 64, 0};
  F80 r = pack80(&full, sign, e, m);
  x->flags |= full.flags;
  return r;
}

/* SDM vol. 1 table 4-7: a signaling NaN operand is invalid; the NaN with the larger significand
 * wins, quieted */
static F80 nan_result(F80Ctx *x, F80 a, F80 b) {
  int an = f80_is_nan(a), bn = f80_is_nan(b);
  if ((an && is_snan(a)) || (bn && is_snan(b))) x->flags |= FSW_IE;
  F80 r = an && bn ? ((a.m << 1) >= (b.m << 1) ? a : b) : an ? a : b;
  r.m |= 1ULL << 62;
  return r;
}

F80 f80_add(F80Ctx *x, F80 a, F80 b, int negate_b) {
  den(x, a); den(x, b);
  if (f80_is_nan(a) || f80_is_nan(b)) return nan_result(x, a, b);
  if (negate_b) b.se ^= 0x8000;
  int sa = a.se >> 15, sb = b.se >> 15;
  if (is_inf(a) || is_inf(b)) {
    if (is_inf(a) && is_inf(b) && sa != sb) return invalid(x);
    return is_inf(a) ? a : b;
  }
  u128 ma, mb;
  int32_t ea = unpack(a, &ma), eb = unpack(b, &mb);
  ma >>= 1; mb >>= 1; /* headroom for the carry */
  if (ea < eb || (ea == eb && ma < mb)) {
    u128 t = ma; ma = mb; mb = t;
    int32_t te = ea; ea = eb; eb = te;
    int ts = sa; sa = sb; sb = ts;
  }
  int32_t d = ea - eb;
  if (d > 126) mb = mb != 0;
  else if (d) mb = (mb >> d) | ((mb & (((u128)1 << d) - 1)) != 0);
  u128 m = sa == sb ? ma + mb : ma - mb;
  if (m == 0) return make(sa == sb ? sa : x->rc == RC_DOWN, 0, 0);
  return pack80(x, sa, ea + 1, m);
}

F80 f80_mul(F80Ctx *x, F80 a, F80 b) {
  den(x, a); den(x, b);
  if (f80_is_nan(a) || f80_is_nan(b)) return nan_result(x, a, b);
  int sign = (a.se ^ b.se) >> 15;
  if (is_inf(a) || is_inf(b)) return is_zero(a) || is_zero(b) ? invalid(x) : inf(sign);
  u128 ma, mb;
  int32_t ea = unpack(a, &ma), eb = unpack(b, &mb);
  u128 m = (u128)a.m * b.m;
  if (m == 0) return make(sign, 0, 0);
  return pack80(x, sign, ea + eb - BIAS + 1, m);
}

static uint64_t normalize(F80 a, int32_t *e) {
  int32_t ex = a.se & 0x7fff;
  *e = ex ? ex : 1;
  int l = __builtin_clzll(a.m);
  *e -= l;
  return a.m << l;
}

F80 f80_div(F80Ctx *x, F80 a, F80 b) {
  den(x, a); den(x, b);
  if (f80_is_nan(a) || f80_is_nan(b)) return nan_result(x, a, b);
  int sign = (a.se ^ b.se) >> 15;
  if (is_inf(a)) return is_inf(b) ? invalid(x) : inf(sign);
  if (is_inf(b)) return make(sign, 0, 0);
  if (is_zero(b)) {
    if (is_zero(a)) return invalid(x);
    x->flags |= FSW_ZE;
    return inf(sign);
  }
  if (is_zero(a)) return make(sign, 0, 0);
  int32_t ea, eb;
  uint64_t ma = normalize(a, &ea), mb = normalize(b, &eb);
  u128 r = ma, q = 0;
  for (int i = 0; i < 66; i++) { /* restoring division: 66 quotient bits, then a sticky bit */
    q <<= 1;
    if (r >= mb) { r -= mb; q |= 1; }
    r <<= 1;
  }
  q = (q << 1) | (r != 0);
  return pack80(x, sign, ea - eb + BIAS, q << (127 - 66));
}

F80 f80_sqrt(F80Ctx *x, F80 a) {
  if (f80_is_nan(a)) return nan_result(x, a, a);
  if (is_zero(a)) return a;
  if (a.se >> 15) return invalid(x); /* before DE: a negative denormal is only invalid */
  den(x, a);
  if (is_inf(a)) return a;
  int32_t e;
  uint64_t m = normalize(a, &e);
  int32_t E = e - BIAS;
  u128 n = (u128)m << 63;
  if (E & 1) { n <<= 1; E -= 1; }
  u128 rem = 0, res = 0;
  for (int i = 0; i < 66; i++) { /* digit by digit: two operand bits per result bit, 2 past the end */
    unsigned pair = i < 64 ? (unsigned)(n >> (126 - 2 * i)) & 3 : 0;
    rem = (rem << 2) | pair;
    u128 t = (res << 2) | 1;
    if (rem >= t) { rem -= t; res = (res << 1) | 1; } else res <<= 1;
  }
  u128 q = (res << 1) | (rem != 0);
  return pack80(x, 0, E / 2 + 1 + BIAS, q << 60);
}

F80 f80_from_int(int64_t v) {
  if (v == 0) return make(0, 0, 0);
  uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
  int l = __builtin_clzll(mag);
  return make(v < 0, 63 - l + BIAS, mag << l);
}

/* the integer part of |a| rounded by rc, and whether it was inexact; |a| < 2^63 */
static uint64_t int_part(F80Ctx *x, F80 a, int32_t E, int rc) {
  int sign = a.se >> 15, sh = 63 - E;
  uint64_t q;
  u128 rem, half;
  if (sh > 65) { q = 0; rem = 1; half = 2; }
  else {
    u128 m = (u128)a.m << 2;
    q = (uint64_t)(m >> (sh + 2));
    rem = m & (((u128)1 << (sh + 2)) - 1);
    half = (u128)1 << (sh + 1);
  }
  if (!rem) return q;
  x->flags |= FSW_PE;
  int inc = rc == RC_NEAR ? rem > half || (rem == half && (q & 1)) : rc == RC_DOWN ? sign : rc == RC_UP ? !sign : 0;
  if (inc) x->flags |= FSW_C1;
  return q + inc;
}

F80 f80_round_int(F80Ctx *x, F80 a) {
  den(x, a);
  if (f80_is_nan(a)) return nan_result(x, a, a);
  int32_t E = (a.se & 0x7fff) - BIAS;
  if (is_inf(a) || is_zero(a) || E >= 63) return a;
  uint64_t q = int_part(x, a, (a.se & 0x7fff) ? E : 1 - BIAS, x->rc);
  if (q == 0) return make(a.se >> 15, 0, 0);
  int l = __builtin_clzll(q);
  return make(a.se >> 15, 63 - l + BIAS, q << l);
}

uint64_t f80_to_int(F80Ctx *x, F80 a, int size, int rc) {
  uint64_t limit = 1ULL << (size * 8 - 1), mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
  if ((a.se & 0x7fff) == 0x7fff) { x->flags |= FSW_IE; return limit; }
  if (a.m == 0) return 0;
  int sign = a.se >> 15;
  int32_t E = ((a.se & 0x7fff) ? (a.se & 0x7fff) : 1) - BIAS;
  if (E > 63 || (E == 63 && !(sign && a.m == 1ULL << 63 && size == 8))) { x->flags |= FSW_IE; return limit; }
  uint64_t q = E == 63 ? a.m : int_part(x, a, E, rc);
  if (sign ? q > limit : q >= limit) { x->flags = (uint16_t)((x->flags & ~(FSW_PE | FSW_C1)) | FSW_IE); return limit; }
  return (sign ? -q : q) & mask;
}

F80 f80_scale(F80Ctx *x, F80 a, F80 b) {
  den(x, a); den(x, b);
  if (f80_is_nan(a) || f80_is_nan(b)) return nan_result(x, a, b);
  int sb = b.se >> 15;
  if (is_inf(b)) {
    if (sb) return is_inf(a) ? invalid(x) : make(a.se >> 15, 0, 0);
    return is_zero(a) ? invalid(x) : inf(a.se >> 15);
  }
  if (is_zero(a) || is_inf(a)) return a;
  int32_t E = (b.se & 0x7fff) - BIAS, n = 0;
  if (!is_zero(b) && E >= 0) n = E >= 20 ? 1 << 20 : (int32_t)(b.m >> (63 - E));
  if (sb) n = -n;
  u128 m;
  int32_t e = unpack(a, &m);
  F80Ctx full = {x->rc, 64, 0}; /* PC does not apply to FSCALE (SDM vol. 1 8.1.5.2) */
  F80 r = pack80(&full, a.se >> 15, e + n, m);
  x->flags |= full.flags;
  return r;
}

int f80_compare(F80Ctx *x, F80 a, F80 b, int quiet) {
  den(x, a); den(x, b);
  if (f80_is_nan(a) || f80_is_nan(b)) {
    if (!quiet || is_snan(a) || is_snan(b)) x->flags |= FSW_IE;
    return 2;
  }
  if (is_zero(a) && is_zero(b)) return 0;
  int sa = a.se >> 15, sb = b.se >> 15;
  if (sa != sb) return sa ? -1 : 1;
  int ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  int mag = ea != eb ? (ea < eb ? -1 : 1) : a.m == b.m ? 0 : a.m < b.m ? -1 : 1;
  return sa ? -mag : mag;
}

/* a binary32/binary64 value with frac_bits fraction bits and the given exponent bias */
static F80 from_ieee(F80Ctx *x, int sign, int32_t e, uint64_t f, int frac_bits, int32_t bias, int32_t emax) {
  if (e == emax) {
    if (!f) return inf(sign);
    if (!((f >> (frac_bits - 1)) & 1)) x->flags |= FSW_IE;
    return make(sign, 0x7fff, (3ULL << 62) | (f << (63 - frac_bits)));
  }
  if (e == 0) {
    if (!f) return make(sign, 0, 0);
    x->flags |= FSW_DE;
    int l = __builtin_clzll(f);
    return make(sign, 63 - l - (bias - 1 + frac_bits) + BIAS, f << l);
  }
  return make(sign, e - bias + BIAS, (1ULL << 63) | (f << (63 - frac_bits)));
}

F80 f80_from_f32(F80Ctx *x, uint32_t v) {
  return from_ieee(x, v >> 31, (v >> 23) & 0xff, v & 0x7fffff, 23, 127, 0xff);
}

F80 f80_from_f64(F80Ctx *x, uint64_t v) {
  return from_ieee(x, (int)(v >> 63), (int32_t)(v >> 52) & 0x7ff, v & ((1ULL << 52) - 1), 52, 1023, 0x7ff);
}

static uint64_t to_ieee(F80Ctx *x, F80 a, int frac_bits, int32_t bias, int32_t emax) {
  uint64_t sign = (uint64_t)(a.se >> 15) << (frac_bits + (frac_bits == 52 ? 11 : 8));
  uint64_t fmask = (1ULL << frac_bits) - 1;
  if (f80_is_nan(a)) {
    if (is_snan(a)) x->flags |= FSW_IE;
    return sign | (uint64_t)emax << frac_bits | (1ULL << (frac_bits - 1)) | ((a.m << 1) >> (64 - frac_bits) & fmask);
  }
  if (is_inf(a)) return sign | (uint64_t)emax << frac_bits;
  if (a.m == 0) return sign;
  u128 m;
  int32_t e = unpack(a, &m) - BIAS + bias;
  uint64_t q = round_bits(x, a.se >> 15, &e, m, frac_bits + 1, emax - 1);
  return sign | (uint64_t)e << frac_bits | (q & fmask);
}

uint32_t f80_to_f32(F80Ctx *x, F80 a) { return (uint32_t)to_ieee(x, a, 23, 127, 0xff); }
uint64_t f80_to_f64(F80Ctx *x, F80 a) { return to_ieee(x, a, 52, 1023, 0x7ff); }

/* FPREM (truncated quotient) and FPREM1 (nearest): the exact remainder and the quotient's low
 * bits; for an exponent difference of 64 or more a partial remainder reducing it by
 * 32 + diff % 32 bits (AMD's documented choice, which Intel parts and qemu follow) */
F80 f80_rem(F80Ctx *x, F80 a, F80 b, int nearest, unsigned *q, int *partial) {
  den(x, a); den(x, b);
  *q = 0; *partial = 0;
  if (f80_is_nan(a) || f80_is_nan(b)) return nan_result(x, a, b);
  if (is_inf(a) || is_zero(b)) return invalid(x);
  if (is_inf(b) || is_zero(a)) return a;
  int32_t ea, eb;
  uint64_t ma = normalize(a, &ea), mb = normalize(b, &eb);
  int32_t d = ea - eb, top, base;
  int sign = a.se >> 15;
  if (d < -1 || (d == -1 && !nearest)) return a;
  u128 bb = mb;
  if (d >= 64) { top = 32 + d % 32; base = ea - top; nearest = 0; *partial = 1; }
  else if (d >= 0) { top = d; base = eb; }
  else { bb <<= 1; top = 0; base = ea; }
  u128 r = (u128)ma << top;
  uint64_t qq = 0;
  for (int i = top; i >= 0; i--) {
    qq <<= 1;
    if (r >= bb << i) { r -= bb << i; qq |= 1; }
  }
  if (nearest && (2 * r > bb || (2 * r == bb && (qq & 1)))) { r = bb - r; qq++; sign ^= 1; }
  *q = (unsigned)qq;
  if (r == 0) return make(a.se >> 15, 0, 0);
  F80Ctx exact = {RC_NEAR, 64, 0};
  return pack80(&exact, sign, base + 2, r << 62);
}

/* FXTRACT: a = sig * 2^exp with 1 <= |sig| < 2 */
void f80_extract(F80Ctx *x, F80 a, F80 *exp, F80 *sig) {
  den(x, a);
  if (f80_is_nan(a)) { *exp = *sig = nan_result(x, a, a); return; }
  if (is_inf(a)) { *sig = a; *exp = inf(0); return; }
  if (is_zero(a)) { x->flags |= FSW_ZE; *sig = a; *exp = inf(1); return; }
  int32_t e;
  uint64_t m = normalize(a, &e);
  *sig = make(a.se >> 15, BIAS, m);
  *exp = f80_from_int(e - BIAS);
}
