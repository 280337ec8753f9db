/* x86-64 CPU: SSE/SSE2 floating-point element operations with x86's NaN rules (SDM vol. 1 4.8.3.5
 * and table 4-7: a NaN operand gives the first source's NaN, else the second's, made quiet; an
 * invalid operation gives the default NaN, sign set). The host's IEEE arithmetic rounds each
 * operation exactly (native SSE and wasm alike); NaNs are never left to the host, whose NaN bits
 * differ (wasm's are not even deterministic). Round to nearest only; MXCSR.RC, DAZ/FTZ and the
 * exception flags are not applied yet (docs/decisions/0019-x86_64-cpu.md). */
#ifndef C2W_X86_SSE_FP_H
#define C2W_X86_SSE_FP_H
#include <stdint.h>
#include <string.h>

#define F64_QUIET 0x0008000000000000ULL
#define F64_DEFAULT_NAN 0xfff8000000000000ULL
#define F32_QUIET 0x00400000u
#define F32_DEFAULT_NAN 0xffc00000u

static inline double f64_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static inline uint64_t bits_f64(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static inline float f32_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static inline uint32_t bits_f32(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static inline bool f64_nan(uint64_t b) { return (b & ~(1ULL << 63)) > 0x7ff0000000000000ULL; }
static inline bool f32_nan(uint32_t b) { return (b & 0x7fffffffu) > 0x7f800000u; }

enum { FP_ADD, FP_SUB, FP_MUL, FP_DIV, FP_MIN, FP_MAX, FP_SQRT };

static inline uint64_t f64_op(int op, uint64_t a, uint64_t b) {
  if (op == FP_MIN) return f64_of(a) < f64_of(b) ? a : b; /* NaN or equal: the second */
  if (op == FP_MAX) return f64_of(a) > f64_of(b) ? a : b;
  if (op == FP_SQRT) {
    if (f64_nan(b)) return b | F64_QUIET;
    double x = f64_of(b);
    if (x < 0) return F64_DEFAULT_NAN;
    return bits_f64(__builtin_sqrt(x));
  }
  if (f64_nan(a)) return a | F64_QUIET;
  if (f64_nan(b)) return b | F64_QUIET;
  double x = f64_of(a), y = f64_of(b), r;
  switch (op) {
  case FP_ADD: r = x + y; break;
  case FP_SUB: r = x - y; break;
  case FP_MUL: r = x * y; break;
  default: r = x / y; break;
  }
  uint64_t rb = bits_f64(r);
  return f64_nan(rb) ? F64_DEFAULT_NAN : rb;
}

static inline uint32_t f32_op(int op, uint32_t a, uint32_t b) {
  if (op == FP_MIN) return f32_of(a) < f32_of(b) ? a : b;
  if (op == FP_MAX) return f32_of(a) > f32_of(b) ? a : b;
  if (op == FP_SQRT) {
    if (f32_nan(b)) return b | F32_QUIET;
    float x = f32_of(b);
    if (x < 0) return F32_DEFAULT_NAN;
    return bits_f32(__builtin_sqrtf(x));
  }
  if (f32_nan(a)) return a | F32_QUIET;
  if (f32_nan(b)) return b | F32_QUIET;
  float x = f32_of(a), y = f32_of(b), r;
  switch (op) {
  case FP_ADD: r = x + y; break;
  case FP_SUB: r = x - y; break;
  case FP_MUL: r = x * y; break;
  default: r = x / y; break;
  }
  uint32_t rb = bits_f32(r);
  return f32_nan(rb) ? F32_DEFAULT_NAN : rb;
}

/* CMPPS/CMPPD/CMPSS/CMPSD predicates 0..7: EQ LT LE UNORD NEQ NLT NLE ORD */
static inline bool fp_cmp(int pred, double x, double y, bool unordered) {
  switch (pred & 7) {
  case 0: return x == y;
  case 1: return x < y;
  case 2: return x <= y;
  case 3: return unordered;
  case 4: return !(x == y);
  case 5: return !(x < y);
  case 6: return !(x <= y);
  default: return !unordered;
  }
}

/* conversions between the two formats keep a NaN's sign and top payload bits, made quiet */
static inline uint64_t f32_to_f64(uint32_t a) {
  if (f32_nan(a)) return ((uint64_t)(a >> 31) << 63) | 0x7ff8000000000000ULL | ((uint64_t)(a & 0x3fffff) << 29);
  return bits_f64((double)f32_of(a));
}
static inline uint32_t f64_to_f32(uint64_t a) {
  if (f64_nan(a)) return ((uint32_t)(a >> 63) << 31) | 0x7fc00000u | (uint32_t)((a >> 29) & 0x3fffff);
  return bits_f32((float)f64_of(a));
}

/* round to nearest, ties to even, without libm (the sum with 2^52 rounds in the current mode,
 * which is round to nearest) */
static inline double round_even(double x) {
  const double two52 = 4503599627370496.0;
  if (!(__builtin_fabs(x) < two52)) return x;
  return x >= 0 ? (x + two52) - two52 : (x - two52) + two52;
}

/* CVT(T)SD2SI and friends: NaN and out of range give the integer indefinite (0x80..0) */
static inline uint64_t f64_to_i64(double x, bool truncate) {
  if (!truncate) x = round_even(x);
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return 1ULL << 63;
  return (uint64_t)(int64_t)x;
}
static inline uint32_t f64_to_i32(double x, bool truncate) {
  if (!truncate) x = round_even(x);
  if (!(x > -2147483649.0 && x < 2147483648.0)) return 1u << 31;
  return (uint32_t)(int32_t)x;
}

#endif
