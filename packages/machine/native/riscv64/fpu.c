/* F and D extensions (RISC-V unprivileged spec chapters 11 and 12, IEEE 754-2008) in software:
 * exact results for all five rounding modes, fflags (NV DZ OF UF NX, tininess after rounding),
 * canonical NaNs and NaN boxing. Host floating point is never used, so native and wasm builds
 * behave bit-identically (wasm has no rounding modes or exception flags). */
#include <string.h>
#include "machine.h"

enum { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4 };
#define FF_NX 1
#define FF_UF 2
#define FF_OF 4
#define FF_DZ 8
#define FF_NV 16

typedef struct Fmt { int p; int ebits; int bias; int maxe; } Fmt; /* p = precision incl. hidden bit */
static const Fmt F32 = {24, 8, 127, 255};
static const Fmt F64 = {53, 11, 1023, 2047};

typedef unsigned __int128 u128;
enum { C_ZERO, C_NORM, C_INF, C_QNAN, C_SNAN };
typedef struct Unp { int cls; int sign; int e; uint64_t sig; } Unp; /* value = sig * 2^e, msb at bit 62 */

static uint64_t canon_nan(const Fmt *f) {
  return f->p == 24 ? 0x7fc00000ULL : 0x7ff8000000000000ULL;
}

static Unp unpack(const Fmt *f, uint64_t bits) {
  Unp u;
  int fb = f->p - 1;
  u.sign = (int)((bits >> (fb + f->ebits)) & 1);
  int E = (int)((bits >> fb) & (uint64_t)f->maxe);
  uint64_t frac = bits & ((1ULL << fb) - 1);
  if (E == f->maxe) {
    u.cls = frac == 0 ? C_INF : ((frac >> (fb - 1)) & 1) ? C_QNAN : C_SNAN;
    u.e = 0; u.sig = 0;
    return u;
  }
  if (E == 0 && frac == 0) { u.cls = C_ZERO; u.e = 0; u.sig = 0; return u; }
  u.cls = C_NORM;
  if (E == 0) { u.sig = frac; u.e = 1 - f->bias - fb; }
  else { u.sig = frac | (1ULL << fb); u.e = E - f->bias - fb; }
  int sh = __builtin_clzll(u.sig) - 1;
  u.sig <<= sh;
  u.e -= sh;
  return u;
}

static uint64_t shr_jam(uint64_t v, int n) {
  if (n <= 0) return v;
  if (n >= 64) return v != 0;
  return (v >> n) | ((v & ((1ULL << n) - 1)) != 0);
}
static u128 shr_jam128(u128 v, int n) {
  if (n <= 0) return v;
  if (n >= 128) return v != 0;
  return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

static bool round_inc(int rm, int sign, uint64_t rbits, uint64_t half, uint64_t lsb) {
  switch (rm) {
  case RNE: return rbits > half || (rbits == half && lsb);
  case RTZ: return false;
  case RDN: return rbits != 0 && sign;
  case RUP: return rbits != 0 && !sign;
  default: return rbits >= half;
  }
}

/* Round and pack sign * sig * 2^e (sig != 0, any position) into format f. */
static uint64_t round_pack(Machine *m, const Fmt *f, int sign, int e, uint64_t sig, int rm) {
  if (sig >> 63) { sig = shr_jam(sig, 1); e++; }
  else { int sh = __builtin_clzll(sig) - 1; sig <<= sh; e -= sh; }
  int p = f->p, fb = p - 1;
  int E = e + 62 + f->bias;
  uint64_t sbit = (uint64_t)sign << (fb + f->ebits);
  int shift = 63 - p;
  if (E >= 1) {
    uint64_t rbits = sig & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
    uint64_t mnt = sig >> shift;
    if (round_inc(rm, sign, rbits, half, mnt & 1)) mnt++;
    if (mnt >> p) { mnt >>= 1; E++; }
    if (E >= f->maxe) {
      m->fflags |= FF_OF | FF_NX;
      bool to_inf = rm == RNE || rm == RMM || (rm == RUP && !sign) || (rm == RDN && sign);
      if (to_inf) return sbit | ((uint64_t)f->maxe << fb);
      return sbit | (((uint64_t)f->maxe - 1) << fb) | ((1ULL << fb) - 1);
    }
    if (rbits) m->fflags |= FF_NX;
    return sbit | ((uint64_t)E << fb) | (mnt & ((1ULL << fb) - 1));
  }
  /* tiny before rounding: check tininess after rounding with unbounded exponent */
  bool tiny = true;
  if (E == 0) {
    uint64_t rbits = sig & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
    uint64_t mnt = sig >> shift;
    if (round_inc(rm, sign, rbits, half, mnt & 1)) mnt++;
    if (mnt >> p) tiny = false;
  }
  int tshift = shift + (1 - E);
  uint64_t mnt, rbits, half;
  if (tshift >= 64) {
    mnt = 0; rbits = 1; half = 2; /* everything is sticky: below half */
    if (tshift == 64) { rbits = sig; half = 1ULL << 63; }
  } else {
    rbits = sig & ((1ULL << tshift) - 1);
    half = 1ULL << (tshift - 1);
    mnt = sig >> tshift;
  }
  if (round_inc(rm, sign, rbits, half, mnt & 1)) mnt++;
  if (rbits) {
    m->fflags |= FF_NX;
    if (tiny) m->fflags |= FF_UF;
  }
  return sbit | mnt; /* mnt == 1 << fb rolls into the smallest normal */
}

static uint64_t pack_zero(const Fmt *f, int sign) { return (uint64_t)sign << (f->p - 1 + f->ebits); }
static uint64_t pack_inf(const Fmt *f, int sign) { return pack_zero(f, sign) | ((uint64_t)f->maxe << (f->p - 1)); }
static bool is_nan(const Unp *u) { return u->cls == C_QNAN || u->cls == C_SNAN; }

static uint64_t f_add(Machine *m, const Fmt *f, uint64_t a, uint64_t b, int rm, bool sub) {
  Unp x = unpack(f, a), y = unpack(f, b);
  if (sub) y.sign ^= 1;
  if (is_nan(&x) || is_nan(&y)) {
    if (x.cls == C_SNAN || y.cls == C_SNAN) m->fflags |= FF_NV;
    return canon_nan(f);
  }
  if (x.cls == C_INF || y.cls == C_INF) {
    if (x.cls == C_INF && y.cls == C_INF && x.sign != y.sign) { m->fflags |= FF_NV; return canon_nan(f); }
    return pack_inf(f, x.cls == C_INF ? x.sign : y.sign);
  }
  if (x.cls == C_ZERO && y.cls == C_ZERO) return pack_zero(f, x.sign == y.sign ? x.sign : rm == RDN);
  if (x.cls == C_ZERO) return round_pack(m, f, y.sign, y.e, y.sig, rm);
  if (y.cls == C_ZERO) return round_pack(m, f, x.sign, x.e, x.sig, rm);
  if (x.e < y.e || (x.e == y.e && x.sig < y.sig)) { Unp t = x; x = y; y = t; }
  uint64_t ys = shr_jam(y.sig, x.e - y.e);
  if (x.sign == y.sign) return round_pack(m, f, x.sign, x.e, x.sig + ys, rm);
  uint64_t d = x.sig - ys;
  if (d == 0) return pack_zero(f, rm == RDN);
  return round_pack(m, f, x.sign, x.e, d, rm);
}

static uint64_t f_mul(Machine *m, const Fmt *f, uint64_t a, uint64_t b, int rm) {
  Unp x = unpack(f, a), y = unpack(f, b);
  int s = x.sign ^ y.sign;
  if (is_nan(&x) || is_nan(&y)) {
    if (x.cls == C_SNAN || y.cls == C_SNAN) m->fflags |= FF_NV;
    return canon_nan(f);
  }
  if (x.cls == C_INF || y.cls == C_INF) {
    if (x.cls == C_ZERO || y.cls == C_ZERO) { m->fflags |= FF_NV; return canon_nan(f); }
    return pack_inf(f, s);
  }
  if (x.cls == C_ZERO || y.cls == C_ZERO) return pack_zero(f, s);
  u128 pr = (u128)x.sig * y.sig;
  uint64_t r = (uint64_t)shr_jam128(pr, 62);
  return round_pack(m, f, s, x.e + y.e + 62, r, rm);
}

static uint64_t f_div(Machine *m, const Fmt *f, uint64_t a, uint64_t b, int rm) {
  Unp x = unpack(f, a), y = unpack(f, b);
  int s = x.sign ^ y.sign;
  if (is_nan(&x) || is_nan(&y)) {
    if (x.cls == C_SNAN || y.cls == C_SNAN) m->fflags |= FF_NV;
    return canon_nan(f);
  }
  if (x.cls == C_INF) {
    if (y.cls == C_INF) { m->fflags |= FF_NV; return canon_nan(f); }
    return pack_inf(f, s);
  }
  if (y.cls == C_INF) return pack_zero(f, s);
  if (y.cls == C_ZERO) {
    if (x.cls == C_ZERO) { m->fflags |= FF_NV; return canon_nan(f); }
    m->fflags |= FF_DZ;
    return pack_inf(f, s);
  }
  if (x.cls == C_ZERO) return pack_zero(f, s);
  u128 num = (u128)x.sig << 62;
  u128 q = num / y.sig;
  u128 r = num - q * y.sig;
  uint64_t qq = (uint64_t)q | (r != 0);
  return round_pack(m, f, s, x.e - y.e - 62, qq, rm);
}

static uint64_t isqrt128(u128 n, bool *exact) {
  u128 res = 0, bit = (u128)1 << 126;
  while (bit > n) bit >>= 2;
  while (bit) {
    if (n >= res + bit) { n -= res + bit; res = (res >> 1) + bit; }
    else res >>= 1;
    bit >>= 2;
  }
  *exact = n == 0;
  return (uint64_t)res;
}

static uint64_t f_sqrt(Machine *m, const Fmt *f, uint64_t a, int rm) {
  Unp x = unpack(f, a);
  if (is_nan(&x)) { if (x.cls == C_SNAN) m->fflags |= FF_NV; return canon_nan(f); }
  if (x.cls == C_ZERO) return a;
  if (x.sign) { m->fflags |= FF_NV; return canon_nan(f); }
  if (x.cls == C_INF) return a;
  uint64_t sig = x.sig;
  int e = x.e;
  if (e & 1) { sig <<= 1; e--; }
  bool exact;
  uint64_t r = isqrt128((u128)sig << 64, &exact);
  return round_pack(m, f, 0, e / 2 - 32, r | !exact, rm);
}

static uint64_t f_fma(Machine *m, const Fmt *f, uint64_t a, uint64_t b, uint64_t c, int rm, int negp, int negc) {
  Unp x = unpack(f, a), y = unpack(f, b), z = unpack(f, c);
  int ps = x.sign ^ y.sign ^ negp;
  z.sign ^= negc;
  if (x.cls == C_SNAN || y.cls == C_SNAN || z.cls == C_SNAN) m->fflags |= FF_NV;
  bool inf0 = (x.cls == C_INF && y.cls == C_ZERO) || (x.cls == C_ZERO && y.cls == C_INF);
  if (inf0) { m->fflags |= FF_NV; return canon_nan(f); }
  if (is_nan(&x) || is_nan(&y) || is_nan(&z)) return canon_nan(f);
  if (x.cls == C_INF || y.cls == C_INF) {
    if (z.cls == C_INF && z.sign != ps) { m->fflags |= FF_NV; return canon_nan(f); }
    return pack_inf(f, ps);
  }
  if (z.cls == C_INF) return pack_inf(f, z.sign);
  if (x.cls == C_ZERO || y.cls == C_ZERO) {
    if (z.cls == C_ZERO) return pack_zero(f, ps == z.sign ? ps : rm == RDN);
    return round_pack(m, f, z.sign, z.e, z.sig, rm);
  }
  u128 pr = (u128)x.sig * y.sig; /* msb at 124 or 125 */
  int pe = x.e + y.e;
  if (z.cls == C_ZERO) {
    uint64_t r = (uint64_t)shr_jam128(pr, 62);
    return round_pack(m, f, ps, pe + 62, r, rm);
  }
  u128 zs = (u128)z.sig << 62;
  int ze = z.e - 62;
  int re;
  u128 big, small;
  int bs, ss;
  /* order by magnitude */
  bool p_big;
  if (pe > ze) p_big = true;
  else if (pe < ze) p_big = false;
  else p_big = pr >= zs;
  if (p_big) {
    if (pe > ze) { big = pr; small = shr_jam128(zs, pe - ze); re = pe; }
    else { big = pr; small = zs; re = pe; }
    bs = ps; ss = z.sign;
  } else {
    big = zs; small = shr_jam128(pr, ze - pe); re = ze; bs = z.sign; ss = ps;
  }
  u128 sum;
  int s = bs;
  if (bs == ss) sum = big + small;
  else {
    if (big >= small) sum = big - small;
    else { sum = small - big; s = ss; }
    if (sum == 0) return pack_zero(f, rm == RDN);
  }
  /* bring to 64 bits with sticky */
  int lz = sum >> 64 ? __builtin_clzll((uint64_t)(sum >> 64)) : 64 + __builtin_clzll((uint64_t)sum);
  int sh = 64 - lz; /* keep msb at bit 63 */
  uint64_t r;
  if (sh > 0) r = (uint64_t)shr_jam128(sum, sh);
  else r = (uint64_t)(sum << -sh);
  return round_pack(m, f, s, re + sh, r, rm);
}

/* float -> integer. bits: 32 or 64; sgn: signed target */
static uint64_t f_to_int(Machine *m, const Fmt *f, uint64_t a, int rm, int bits, bool sgn) {
  Unp x = unpack(f, a);
  uint64_t maxv = sgn ? (bits == 32 ? 0x7fffffffULL : 0x7fffffffffffffffULL) : (bits == 32 ? 0xffffffffULL : ~0ULL);
  uint64_t minv = sgn ? (bits == 32 ? (uint64_t)(int64_t)INT32_MIN : (uint64_t)INT64_MIN) : 0;
  if (bits == 32) maxv = (uint64_t)(int64_t)(int32_t)maxv; /* 32-bit results are sign-extended */
  if (is_nan(&x)) { m->fflags |= FF_NV; return maxv; }
  if (x.cls == C_INF) { m->fflags |= FF_NV; return x.sign ? minv : maxv; }
  if (x.cls == C_ZERO) return 0;
  /* value = sig * 2^e; integer part */
  uint64_t mag;
  bool inexact = false, ovf = false;
  if (x.e >= 0) {
    if (x.e > 1) ovf = true; /* >= 2^64 */
    else { if (x.e == 1 && (x.sig >> 63)) ovf = true; mag = x.sig << x.e; }
  } else {
    int sh = -x.e;
    uint64_t rbits, half, ip;
    if (sh >= 64) { ip = 0; rbits = 1; half = 2; if (sh == 64) { rbits = x.sig; half = 1ULL << 63; } }
    else { ip = x.sig >> sh; rbits = x.sig & ((1ULL << sh) - 1); half = 1ULL << (sh - 1); }
    if (rbits) inexact = true;
    if (round_inc(rm, x.sign, rbits, half, ip & 1)) ip++;
    mag = ip;
  }
  if (!ovf) {
    if (sgn) {
      uint64_t lim = bits == 32 ? 0x80000000ULL : 0x8000000000000000ULL;
      if (x.sign ? mag > lim : mag >= lim) ovf = true;
    } else {
      if (x.sign && mag) ovf = true;
      else if (bits == 32 && mag > 0xffffffffULL) ovf = true;
    }
  }
  if (ovf) { m->fflags |= FF_NV; return x.sign ? minv : maxv; }
  if (inexact) m->fflags |= FF_NX;
  uint64_t v = x.sign ? (uint64_t)(-(int64_t)mag) : mag;
  if (bits == 32) v = (uint64_t)(int64_t)(int32_t)v;
  return v;
}

static uint64_t int_to_f(Machine *m, const Fmt *f, uint64_t v, int bits, bool sgn, int rm) {
  int s = 0;
  if (bits == 32) v = sgn ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
  if (sgn && (int64_t)v < 0) { s = 1; v = (uint64_t)(-(int64_t)v); }
  if (v == 0) return 0;
  return round_pack(m, f, s, 0, v, rm);
}

static uint64_t f_convert(Machine *m, const Fmt *to, const Fmt *from, uint64_t a, int rm) {
  Unp x = unpack(from, a);
  if (is_nan(&x)) { if (x.cls == C_SNAN) m->fflags |= FF_NV; return canon_nan(to); }
  if (x.cls == C_INF) return pack_inf(to, x.sign);
  if (x.cls == C_ZERO) return pack_zero(to, x.sign);
  return round_pack(m, to, x.sign, x.e, x.sig, rm);
}

/* compare: returns -1 unordered, else 0 lt, 1 eq, 2 gt */
static int f_cmp(Machine *m, const Fmt *f, uint64_t a, uint64_t b, bool signaling) {
  Unp x = unpack(f, a), y = unpack(f, b);
  if (is_nan(&x) || is_nan(&y)) {
    if (signaling || x.cls == C_SNAN || y.cls == C_SNAN) m->fflags |= FF_NV;
    return -1;
  }
  if (x.cls == C_ZERO && y.cls == C_ZERO) return 1;
  int sb = f->p + f->ebits - 1;
  uint64_t mask = (1ULL << sb) - 1;
  if (x.sign != y.sign) return x.sign ? 0 : 2; /* zeros handled above */
  uint64_t am = a & mask, bm = b & mask;
  if (am == bm) return 1;
  bool lt = x.sign ? am > bm : am < bm;
  return lt ? 0 : 2;
}

static uint64_t f_minmax(Machine *m, const Fmt *f, uint64_t a, uint64_t b, bool max) {
  Unp x = unpack(f, a), y = unpack(f, b);
  if (x.cls == C_SNAN || y.cls == C_SNAN) m->fflags |= FF_NV;
  if (is_nan(&x) && is_nan(&y)) return canon_nan(f);
  if (is_nan(&x)) return b;
  if (is_nan(&y)) return a;
  int c;
  if (x.cls == C_ZERO && y.cls == C_ZERO) c = x.sign == y.sign ? 1 : (x.sign ? 0 : 2);
  else c = f_cmp(m, f, a, b, false);
  if (max) return c == 0 ? b : a;
  return c == 2 ? b : a;
}

static uint64_t f_class(const Fmt *f, uint64_t a) {
  Unp x = unpack(f, a);
  int fb = f->p - 1;
  bool sub = x.cls == C_NORM && ((a >> fb) & (uint64_t)f->maxe) == 0;
  switch (x.cls) {
  case C_INF: return x.sign ? 1 : 1 << 7;
  case C_ZERO: return x.sign ? 1 << 3 : 1 << 4;
  case C_SNAN: return 1 << 8;
  case C_QNAN: return 1 << 9;
  default: return sub ? (x.sign ? 1 << 2 : 1 << 5) : (x.sign ? 1 << 1 : 1 << 6);
  }
}

/* read an f register as single: improperly NaN-boxed values read as the canonical NaN */
static uint64_t rd_s(Machine *m, int r) {
  uint64_t v = m->f[r];
  return (v >> 32) == 0xffffffffULL ? (uint32_t)v : 0x7fc00000ULL;
}

int fpu_exec(Machine *m, uint32_t raw) {
  if (!(m->mstatus & MSTATUS_FS)) return EXC_ILLEGAL;
  uint32_t opc = raw & 0x7f, rd = (raw >> 7) & 31, rm = (raw >> 12) & 7, rs1 = (raw >> 15) & 31,
           rs2 = (raw >> 20) & 31, fmt = (raw >> 25) & 3, f5 = raw >> 27;
  if (fmt > 1) return EXC_ILLEGAL;
  bool dbl = fmt == 1;
  const Fmt *f = dbl ? &F64 : &F32;
  int erm = rm == 7 ? (int)m->frm : (int)rm;
  uint64_t a = dbl ? m->f[rs1] : rd_s(m, rs1);
  uint64_t b = dbl ? m->f[rs2] : rd_s(m, rs2);
  uint64_t res;
  bool to_x = false;
  bool need_rm = true;
  if (opc != 0x53) { /* fused multiply-add family */
    if (erm > 4) return EXC_ILLEGAL;
    uint64_t c = dbl ? m->f[f5] : rd_s(m, (int)f5);
    int negp = opc == 0x4b || opc == 0x4f, negc = opc == 0x47 || opc == 0x4f;
    res = f_fma(m, f, a, b, c, erm, negp, negc);
  } else {
    switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x0b: break;
    case 0x08: case 0x18: case 0x1a: break;
    default: need_rm = false;
    }
    if (need_rm && erm > 4) return EXC_ILLEGAL;
    switch (f5) {
    case 0x00: res = f_add(m, f, a, b, erm, false); break;
    case 0x01: res = f_add(m, f, a, b, erm, true); break;
    case 0x02: res = f_mul(m, f, a, b, erm); break;
    case 0x03: res = f_div(m, f, a, b, erm); break;
    case 0x0b: if (rs2) return EXC_ILLEGAL; res = f_sqrt(m, f, a, erm); break;
    case 0x04: {
      int sb = dbl ? 63 : 31;
      uint64_t sa = (b >> sb) & 1;
      if (rm == 1) sa ^= 1;
      else if (rm == 2) sa ^= (a >> sb) & 1;
      else if (rm != 0) return EXC_ILLEGAL;
      res = (a & ~(1ULL << sb)) | (sa << sb);
      break;
    }
    case 0x05:
      if (rm > 1) return EXC_ILLEGAL;
      res = f_minmax(m, f, a, b, rm == 1);
      break;
    case 0x08:
      if (dbl && rs2 == 0) res = f_convert(m, &F64, &F32, rd_s(m, rs1), erm);
      else if (!dbl && rs2 == 1) res = f_convert(m, &F32, &F64, m->f[rs1], erm);
      else return EXC_ILLEGAL;
      break;
    case 0x14: {
      int c;
      to_x = true;
      if (rm == 2) { c = f_cmp(m, f, a, b, false); res = c == 1; }
      else if (rm == 1) { c = f_cmp(m, f, a, b, true); res = c == 0; }
      else if (rm == 0) { c = f_cmp(m, f, a, b, true); res = c == 0 || c == 1; }
      else return EXC_ILLEGAL;
      break;
    }
    case 0x18:
      if (rs2 > 3) return EXC_ILLEGAL;
      to_x = true;
      res = f_to_int(m, f, a, erm, rs2 < 2 ? 32 : 64, !(rs2 & 1));
      break;
    case 0x1a:
      if (rs2 > 3) return EXC_ILLEGAL;
      res = int_to_f(m, f, m->x[rs1], rs2 < 2 ? 32 : 64, !(rs2 & 1), erm);
      break;
    case 0x1c:
      if (rs2) return EXC_ILLEGAL;
      to_x = true;
      if (rm == 0) res = dbl ? m->f[rs1] : (uint64_t)(int64_t)(int32_t)m->f[rs1];
      else if (rm == 1) res = f_class(f, a);
      else return EXC_ILLEGAL;
      break;
    case 0x1e:
      if (rs2 || rm) return EXC_ILLEGAL;
      res = dbl ? m->x[rs1] : (uint32_t)m->x[rs1];
      break;
    default: return EXC_ILLEGAL;
    }
  }
  if (to_x) {
    if (rd) m->x[rd] = res;
  } else {
    m->f[rd] = dbl ? res : (0xffffffff00000000ULL | (uint32_t)res);
  }
  m->mstatus |= MSTATUS_FS;
  return 0;
}
