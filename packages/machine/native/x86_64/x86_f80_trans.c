/* x86-64 CPU: the x87 transcendentals F2XM1 FYL2X FYL2XP1 FPATAN FSIN FCOS FSINCOS FPTAN in
 * integers (SDM vol. 1 8.3.8-8.3.10, vol. 2 pages of each), so native and wasm32 agree bit for
 * bit. Each value is computed to about 125 bits in 128-bit floating point and rounded once by RC
 * to 64 bits (PC does not apply: SDM vol. 1 8.1.5.2). Trig arguments are reduced with the 66-bit
 * pi the hardware uses (the SDM's "66-bit approximation"), so fsin(pi) is -2^-64 as on the CPU. */
#include "x86_f80.h"

typedef unsigned __int128 u128;
#define BIAS 16383
enum { RC_NEAR, RC_DOWN, RC_UP, RC_ZERO };

/* W: sign, biased exponent e, m with bit 127 set; value = m / 2^127 * 2^(e - BIAS). Operations
 * truncate but keep a sticky bit 0, so a correction below 2^-127 still tells which side it is on. */
typedef struct W { int s; int32_t e; u128 m; } W;

static const W W_ONE = {0, BIAS, (u128)1 << 127};
#define WCONST(s, e, hi, lo) ((W){s, BIAS + (e), (u128)(hi) << 64 | (lo)})
static const W W_PI = WCONST(0, 1, 0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL);
static const W W_LN2 = WCONST(0, -1, 0xb17217f7d1cf79abULL, 0xc9e3b39803f2f6afULL);
static const W W_LOG2E = WCONST(0, 0, 0xb8aa3b295c17f0bbULL, 0xbe87fed0691d3e89ULL);
/* the hardware's pi/2 for argument reduction: 66 bits, P * 2^-65 */
static const u128 PI66 = (u128)0x3 << 64 | 0x243f6a8885a308d3ULL;

static int clz128(u128 m) {
  uint64_t hi = (uint64_t)(m >> 64);
  return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
}
static W wnorm(int s, int32_t e, u128 m) {
  if (!m) return (W){s, 0, 0};
  int l = clz128(m);
  return (W){s, e - l, m << l};
}
static W wneg(W a) { a.s ^= 1; return a; }
static W wexp(W a, int d) { if (a.m) a.e += d; return a; }

static W wmul(W a, W b) {
  if (!a.m || !b.m) return (W){a.s ^ b.s, 0, 0};
  u128 al = (uint64_t)a.m, ah = a.m >> 64, bl = (uint64_t)b.m, bh = b.m >> 64;
  u128 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
  u128 hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
  u128 lo = mid << 64 | (uint64_t)ll;
  int32_t e = a.e + b.e - BIAS + 1;
  if (!(hi >> 127)) { hi = hi << 1 | lo >> 127; lo <<= 1; e--; }
  return (W){a.s ^ b.s, e, hi | (lo != 0)};
}

static u128 shr_sticky(u128 m, int32_t d) {
  if (d <= 0) return m;
  if (d > 127) return m != 0;
  return m >> d | ((m & (((u128)1 << d) - 1)) != 0);
}

static W wadd(W a, W b) {
  if (!b.m) return a;
  if (!a.m) return b;
  if (a.e < b.e || (a.e == b.e && a.m < b.m)) { W t = a; a = b; b = t; }
  u128 ma = shr_sticky(a.m, 1), mb = shr_sticky(shr_sticky(b.m, 1), a.e - b.e);
  u128 m = a.s == b.s ? ma + mb : ma - mb;
  return wnorm(a.s, a.e + 1, m);
}
static W wsub(W a, W b) { return wadd(a, wneg(b)); }

/* a / b to 128 bits; *exact says whether the remainder was zero */
static W wdiv(W a, W b, int *exact) {
  u128 q = 0, r = a.m;
  int32_t e = a.e - b.e + BIAS;
  int n = 128;
  if (r >= b.m) { r -= b.m; q = 1; n = 127; } else e--;
  for (int i = 0; i < n; i++) {
    int carry = (int)(r >> 127);
    r <<= 1; q <<= 1;
    if (carry || r >= b.m) { r -= b.m; q |= 1; }
  }
  if (exact) *exact = r == 0;
  return (W){a.s ^ b.s, e, q | (r != 0)};
}

/* a / d for a small integer d, to 128 bits */
static W wdivs(W a, uint64_t d) {
  if (!a.m) return a;
  u128 q = a.m / d, r = a.m % d;
  int l = clz128(q);
  u128 lo = r << l;
  return (W){a.s, a.e - l, q << l | lo / d | (lo % d != 0)};
}

static W wfrom80(F80 a) {
  int32_t e = a.se & 0x7fff;
  return wnorm(a.se >> 15, e ? e : 1, (u128)a.m << 64);
}
static W wfrom_int(int64_t v) {
  uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
  return wnorm(v < 0, BIAS + 127, mag);
}

static int is_inf(F80 a) { return (a.se & 0x7fff) == 0x7fff && (a.m << 1) == 0; }
static int is_zero(F80 a) { return (a.se & 0x7fff) == 0 && a.m == 0; }
static int is_snan(F80 a) { return f80_is_nan(a) && !((a.m >> 62) & 1); }
static F80 make(int sign, int exp, uint64_t m) { return (F80){m, (uint16_t)(sign << 15 | exp)}; }
static void den(F80Ctx *x, F80 a) { if ((a.se & 0x7fff) == 0 && a.m) x->flags |= FSW_DE; }
static F80 invalid(F80Ctx *x) { x->flags |= FSW_IE; return F80_INDEFINITE; }
static F80 quiet(F80Ctx *x, F80 a) { if (is_snan(a)) x->flags |= FSW_IE; a.m |= 1ULL << 62; return a; }
static F80 nan2(F80Ctx *x, F80 a, F80 b) {
  int an = f80_is_nan(a), bn = f80_is_nan(b);
  if ((an && is_snan(a)) || (bn && is_snan(b))) x->flags |= FSW_IE;
  F80 r = an && bn ? ((a.m << 1) >= (b.m << 1) ? a : b) : an ? a : b;
  r.m |= 1ULL << 62;
  return r;
}

/* a transcendental value, never exact: bit 0 set so it rounds as inexact, at 64 bits */
static F80 round_w(F80Ctx *x, W v) { return f80_round_wide(x, v.s, v.e, v.m | 1); }

/* expm1(t) = t (1 + t/2 (1 + t/3 (...))) for |t| < 0.7: 34 terms reach 2^-135 */
static W expm1_w(W t) {
  W s = W_ONE;
  for (int k = 34; k >= 2; k--) s = wadd(W_ONE, wmul(wdivs(t, (uint64_t)k), s));
  return wmul(t, s);
}

/* atanh(s) / s = 1 + z/3 + z^2/5 + ... with z = s^2 <= 0.03 (|s| <= 0.1716): 27 terms */
static W atanh_ratio(W z) {
  W s = wdivs(W_ONE, 55);
  for (int k = 26; k >= 0; k--) s = wadd(wdivs(W_ONE, (uint64_t)(2 * k + 1)), wmul(z, s));
  return s;
}

/* log2(u) for u > 0: u = m 2^n with m in [sqrt(2)/2, sqrt(2)], log2(m) = 2 atanh((m-1)/(m+1)) / ln 2 */
static W log2_w(W u) {
  int32_t n = u.e - BIAS;
  W m = {0, BIAS, u.m};
  if (u.m > ((u128)0xb504f333f9de6484ULL << 64)) { m.e--; n++; }
  W s = wdiv(wsub(m, W_ONE), wadd(m, W_ONE), 0);
  W l = wmul(wmul(s, atanh_ratio(wmul(s, s))), wexp(W_LOG2E, 1));
  return wadd(wfrom_int(n), l);
}

/* atan(t) for |t| <= tan(pi/8): t (1 - z/3 + z^2/5 ...), z <= 0.1716: 54 terms reach 2^-137 */
static W atan_small(W t) {
  W z = wmul(t, t), s = wdivs(W_ONE, 109);
  for (int k = 53; k >= 0; k--) {
    W c = wdivs(W_ONE, (uint64_t)(2 * k + 1));
    s = wsub(c, wmul(z, s));
  }
  return wmul(t, s);
}

F80 f80_2xm1(F80Ctx *x, F80 a) {
  den(x, a);
  if (f80_is_nan(a)) return quiet(x, a);
  if (is_inf(a)) return a.se >> 15 ? make(1, BIAS, 1ULL << 63) : a;
  if (is_zero(a)) return a;
  int32_t e = a.se & 0x7fff;
  int sign = a.se >> 15;
  /* outside [-1, 1] the result is undefined (SDM): the AMD CPUs return the operand, inexact */
  if (e > BIAS || (e == BIAS && a.m != 1ULL << 63)) { x->flags |= FSW_PE; return a; }
  /* at +-1 they give 1 - tiny and -0.5, both flagged inexact */
  if (e == BIAS && sign) { x->flags |= FSW_PE; return make(1, BIAS - 1, 1ULL << 63); }
  if (e == BIAS) return f80_round_wide(x, 0, BIAS - 1, ~(u128)0);
  return round_w(x, expm1_w(wmul(wfrom80(a), W_LN2)));
}

/* y * log2(x) (FYL2X) or y * log2(1 + x) (FYL2XP1); special operands per the SDM's tables */
static F80 yl2x(F80Ctx *x, F80 a, F80 y, int p1) {
  if (f80_is_nan(a) || f80_is_nan(y)) return nan2(x, a, y);
  int sa = a.se >> 15, sy = y.se >> 15;
  if (p1 && is_zero(a)) { /* log2(1 + 0) = 0, signed as x */
    if (is_inf(y)) return invalid(x);
    den(x, y);
    return make(sa ^ sy, 0, 0);
  }
  /* u = the logarithm's argument; lsign = the logarithm's sign (-1, 0 for log2(1) = 0, 1) */
  /* FYL2XP1 of x <= -1 is undefined (SDM); the AMD CPUs return x itself, inexact (a zero or
   * infinite y: their sign flipped, as for a negative logarithm) */
  if (p1 && sa && !is_inf(a) && (a.se & 0x7fff) >= BIAS) {
    if (is_zero(y) || is_inf(y)) return make(!sy, y.se & 0x7fff, y.m);
    den(x, y);
    x->flags |= FSW_PE;
    return a;
  }
  W u = p1 ? (is_inf(a) ? (W){sa, 0x7fff, (u128)1 << 127} : wadd(W_ONE, wfrom80(a))) : wfrom80(a);
  if (is_inf(a)) u.e = 0x7fff;
  if (u.m && u.s) return invalid(x);
  if (!u.m) { /* log2(0) = -inf */
    if (is_zero(y)) return invalid(x);
    if (!is_inf(y)) x->flags |= FSW_ZE;
    return make(!sy, 0x7fff, 1ULL << 63);
  }
  den(x, a); den(x, y); /* not on the invalid and divide-by-zero paths above (as the CPU) */
  int lsign = u.e > BIAS || (u.e == BIAS && u.m != (u128)1 << 127) ? 1 : u.e == BIAS ? 0 : -1;
  if (is_inf(y) || u.e == 0x7fff) {
    if (lsign == 0 || is_zero(y)) return invalid(x);
    return make(sy ^ (lsign < 0), 0x7fff, 1ULL << 63);
  }
  if (is_zero(y) || lsign == 0) return make(sy ^ (lsign < 0), 0, 0);
  /* log2 of a power of two is an integer: the product rounds once, but the CPU still reports
   * it inexact (and so tiny results as underflows), in every rounding mode */
  W um1 = wsub(u, W_ONE), ax = wfrom80(a);
  if (u.m == (u128)1 << 127 && (!p1 || (um1.s == ax.s && um1.e == ax.e && um1.m == ax.m))) {
    W p = wmul(wfrom80(y), wfrom_int(u.e - BIAS));
    F80 r = f80_round_wide(x, p.s, p.e, p.m);
    x->flags |= FSW_PE | ((r.se & 0x7fff) == 0 ? FSW_UE : 0);
    return r;
  }
  W l;
  if (p1 && (a.se & 0x7fff) < BIAS - 1) { /* |x| < 0.5: log2(1+x) = 2 atanh(x / (2 + x)) / ln 2 */
    W ax = wfrom80(a);
    W s = wdiv(ax, wadd(wexp(W_ONE, 1), ax), 0);
    l = wmul(wmul(s, atanh_ratio(wmul(s, s))), wexp(W_LOG2E, 1));
  } else l = log2_w(u);
  return round_w(x, wmul(wfrom80(y), l));
}
F80 f80_yl2x(F80Ctx *x, F80 a, F80 y) { return yl2x(x, a, y, 0); }
F80 f80_yl2xp1(F80Ctx *x, F80 a, F80 y) { return yl2x(x, a, y, 1); }

F80 f80_atan2(F80Ctx *x, F80 y, F80 a) {
  if (f80_is_nan(a) || f80_is_nan(y)) return nan2(x, a, y);
  den(x, a); den(x, y);
  int sy = y.se >> 15, sx = a.se >> 15;
  W r;
  if (is_zero(y)) {
    if (!sx) return make(sy, 0, 0);
    r = W_PI;
  } else if (is_inf(y)) {
    r = !is_inf(a) ? wexp(W_PI, -1) : sx ? wsub(W_PI, wexp(W_PI, -2)) : wexp(W_PI, -2);
  } else if (is_inf(a)) {
    if (!sx) return make(sy, 0, 0);
    r = W_PI;
  } else if (is_zero(a)) {
    r = wexp(W_PI, -1);
  } else {
    W wy = wfrom80(y), wx = wfrom80(a);
    wy.s = wx.s = 0;
    int swap = wy.e > wx.e || (wy.e == wx.e && wy.m > wx.m), exact;
    W q = swap ? wdiv(wx, wy, &exact) : wdiv(wy, wx, &exact);
    if (q.e < BIAS - 68) { /* atan(q) = q - q^3/3: below 2^-136 relative, keep only its side */
      r = q;
      if (!swap && !sx) {
        u128 m = exact ? q.m - 1 : q.m | 1;
        return f80_round_wide(x, sy, q.e, m);
      }
    } else if (q.e < BIAS - 2 || (q.e == BIAS - 2 && q.m <= ((u128)0xd413cccfe7799211ULL << 64))) {
      r = atan_small(q); /* q <= tan(pi/8) */
    } else { /* atan(q) = pi/4 + atan((q - 1) / (q + 1)) */
      r = wadd(wexp(W_PI, -2), atan_small(wdiv(wsub(q, W_ONE), wadd(q, W_ONE), 0)));
    }
    if (swap) r = wsub(wexp(W_PI, -1), r);
    if (sx) r = wsub(W_PI, r);
  }
  r.s = sy;
  return round_w(x, r);
}

/* sin(r) / r = 1 - z/(2*3) (1 - z/(4*5) (...)), cos(r) = 1 - z/2 (1 - z/(3*4) (...)), z = r^2 <= 0.62 */
static W sin_w(W r) {
  W z = wmul(r, r), s = W_ONE;
  for (int k = 36; k >= 2; k -= 2) s = wsub(W_ONE, wmul(wdivs(z, (uint64_t)(k * (k + 1))), s));
  return wmul(r, s);
}
static W cos_w(W r) {
  W z = wmul(r, r), s = W_ONE;
  for (int k = 35; k >= 1; k -= 2) s = wsub(W_ONE, wmul(wdivs(z, (uint64_t)(k * (k + 1))), s));
  return s;
}

/* FSIN FCOS FSINCOS FPTAN: s = sin, c = cos, t = tan (each may be null). Returns 1 (C2) when
 * |a| >= 2^63: nothing is computed and the operand stays. */
int f80_trig(F80Ctx *x, F80 a, F80 *s, F80 *c, F80 *t) {
  if (f80_is_nan(a)) {
    F80 q = quiet(x, a);
    if (s) *s = q;
    if (c) *c = q;
    if (t) *t = q;
    return 0;
  }
  if (is_inf(a)) {
    x->flags |= FSW_IE;
    if (s) *s = F80_INDEFINITE;
    if (c) *c = F80_INDEFINITE;
    if (t) *t = F80_INDEFINITE;
    return 0;
  }
  int32_t e = a.se & 0x7fff;
  if (e >= BIAS + 63) return 1;
  den(x, a);
  int sign = a.se >> 15;
  if (is_zero(a)) {
    if (s) *s = a;
    if (t) *t = a;
    if (c) *c = make(0, BIAS, 1ULL << 63);
    return 0;
  }
  /* a = k pi66/2 + r, |r| <= pi66/4, exactly: in units of 2^-65, a = m << (e - bias + 2) */
  W r = wfrom80(a);
  unsigned k = 0;
  r.s = 0;
  if (e >= BIAS - 1) {
    u128 X = (u128)a.m << (e - BIAS + 2);
    u128 q = X / PI66, rem = X - q * PI66;
    int neg = 0;
    if (rem > PI66 / 2) { rem = PI66 - rem; q++; neg = 1; }
    k = (unsigned)q & 3;
    r = wnorm(neg, BIAS + 62, rem);
  }
  /* below 2^-60, sin r = r - (r^3/6 < 2^-120 r) and cos r = 1 - tiny: keep only the side */
  int tiny = r.e < BIAS - 60;
  W sn = tiny ? (W){r.s, r.e, r.m - 1} : sin_w(r);
  W cs = tiny ? (W){0, BIAS - 1, ~(u128)0} : cos_w(r);
  W sv = (k & 1) ? cs : sn, cv = (k & 1) ? wneg(sn) : cs;
  if (k & 2) { sv = wneg(sv); cv = wneg(cv); }
  sv.s ^= sign;
  if (s) *s = round_w(x, sv);
  if (t) {
    W tv;
    if (tiny && !(k & 1)) tv = (W){r.s, r.e, r.m + 1}; /* tan r = r + tiny */
    else if (tiny) { /* -cot r = -(1/r - tiny) */
      int exact;
      tv = wneg(wdiv(W_ONE, r, &exact));
      tv.m = exact ? tv.m - 1 : tv.m | 1;
    } else if (k & 1) tv = wneg(wdiv(cs, sn, 0));
    else tv = wdiv(sn, cs, 0);
    tv.s ^= sign;
    *t = round_w(x, tv);
  }
  if (c) { /* FSINCOS reports C1 of the sine, as the CPU does */
    F80Ctx cx = {x->rc, 64, 0};
    *c = round_w(&cx, cv);
    x->flags |= s ? cx.flags & ~FSW_C1 : cx.flags;
  }
  return 0;
}
