/* x86-64 CPU: SSE and SSE2 on XMM registers (SDM vol. 1 ch. 10-11, vol. 2 instruction pages; the
 * 0F map with no prefix = PS, 66 = PD or integer, F3 = SS, F2 = SD). Moves, logic, packed integer
 * arithmetic, compares, shuffles, unpacks, packs, shifts, floating-point arithmetic, compares
 * and conversions; SSE3's few additions. Legacy-SSE m128 operands must be 16-byte aligned (#GP) except for the
 * unaligned moves. The integer rows without a prefix are MMX (x86_mmx.c). */
#include "x86.h"
#include "x86_ops.h"
#include "x86_sse_fp.h"

#define CHK(e) do { int e_ = (e); if (X86_UNLIKELY(e_)) return e_; } while (0)
enum { P_NONE, P_66, P_F3, P_F2 };

/* the r/m operand as 16 bytes (memory reads `bytes` of them, the rest zero) */
static int read_src(X86Cpu *c, const X86Insn *d, X86Xmm *s, int bytes, bool aligned) {
  if (d->mod == 3) { *s = c->xmm[d->rm]; return 0; }
  uint64_t ea = x86_ea(c, d);
  if (aligned && (ea & 15)) return EXC_GP;
  memset(s, 0, sizeof *s);
  return x86_load_bytes(c, ea, s, bytes);
}

static int write_dst_mem(X86Cpu *c, const X86Insn *d, const void *v, int bytes, bool aligned) {
  uint64_t ea = x86_ea(c, d);
  if (aligned && (ea & 15)) return EXC_GP;
  return x86_store_bytes(c, ea, v, bytes);
}

static inline int8_t sat8(int v) { return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v; }
static inline uint8_t usat8(int v) { return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v; }
static inline int16_t sat16(int v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }
static inline uint16_t usat16(int v) { return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v; }

/* packed integer ops of the 66 0F 60..FE rows on a (dest) and b (source) */
static bool int_op(int op, X86Xmm *a, const X86Xmm *b) {
  X86Xmm r;
  int i;
  switch (op) {
  case 0x60: for (i = 0; i < 8; i++) { r.b[2 * i] = a->b[i]; r.b[2 * i + 1] = b->b[i]; } break;
  case 0x61: for (i = 0; i < 4; i++) { r.w[2 * i] = a->w[i]; r.w[2 * i + 1] = b->w[i]; } break;
  case 0x62: for (i = 0; i < 2; i++) { r.d[2 * i] = a->d[i]; r.d[2 * i + 1] = b->d[i]; } break;
  case 0x63: for (i = 0; i < 8; i++) { r.b[i] = (uint8_t)sat8((int16_t)a->w[i]); r.b[8 + i] = (uint8_t)sat8((int16_t)b->w[i]); } break;
  case 0x64: for (i = 0; i < 16; i++) r.b[i] = (int8_t)a->b[i] > (int8_t)b->b[i] ? 0xff : 0; break;
  case 0x65: for (i = 0; i < 8; i++) r.w[i] = (int16_t)a->w[i] > (int16_t)b->w[i] ? 0xffff : 0; break;
  case 0x66: for (i = 0; i < 4; i++) r.d[i] = (int32_t)a->d[i] > (int32_t)b->d[i] ? ~0u : 0; break;
  case 0x67: for (i = 0; i < 8; i++) { r.b[i] = usat8((int16_t)a->w[i]); r.b[8 + i] = usat8((int16_t)b->w[i]); } break;
  case 0x68: for (i = 0; i < 8; i++) { r.b[2 * i] = a->b[8 + i]; r.b[2 * i + 1] = b->b[8 + i]; } break;
  case 0x69: for (i = 0; i < 4; i++) { r.w[2 * i] = a->w[4 + i]; r.w[2 * i + 1] = b->w[4 + i]; } break;
  case 0x6a: for (i = 0; i < 2; i++) { r.d[2 * i] = a->d[2 + i]; r.d[2 * i + 1] = b->d[2 + i]; } break;
  case 0x6b: for (i = 0; i < 4; i++) { r.w[i] = (uint16_t)sat16((int32_t)a->d[i]); r.w[4 + i] = (uint16_t)sat16((int32_t)b->d[i]); } break;
  case 0x6c: r.q[0] = a->q[0]; r.q[1] = b->q[0]; break;
  case 0x6d: r.q[0] = a->q[1]; r.q[1] = b->q[1]; break;
  case 0x74: for (i = 0; i < 16; i++) r.b[i] = a->b[i] == b->b[i] ? 0xff : 0; break;
  case 0x75: for (i = 0; i < 8; i++) r.w[i] = a->w[i] == b->w[i] ? 0xffff : 0; break;
  case 0x76: for (i = 0; i < 4; i++) r.d[i] = a->d[i] == b->d[i] ? ~0u : 0; break;
  case 0xd4: for (i = 0; i < 2; i++) r.q[i] = a->q[i] + b->q[i]; break;
  case 0xd5: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)((int16_t)a->w[i] * (int16_t)b->w[i]); break;
  case 0xd8: for (i = 0; i < 16; i++) r.b[i] = usat8(a->b[i] - b->b[i]); break;
  case 0xd9: for (i = 0; i < 8; i++) r.w[i] = usat16(a->w[i] - b->w[i]); break;
  case 0xda: for (i = 0; i < 16; i++) r.b[i] = a->b[i] < b->b[i] ? a->b[i] : b->b[i]; break;
  case 0xdb: for (i = 0; i < 2; i++) r.q[i] = a->q[i] & b->q[i]; break;
  case 0xdc: for (i = 0; i < 16; i++) r.b[i] = usat8(a->b[i] + b->b[i]); break;
  case 0xdd: for (i = 0; i < 8; i++) r.w[i] = usat16(a->w[i] + b->w[i]); break;
  case 0xde: for (i = 0; i < 16; i++) r.b[i] = a->b[i] > b->b[i] ? a->b[i] : b->b[i]; break;
  case 0xdf: for (i = 0; i < 2; i++) r.q[i] = ~a->q[i] & b->q[i]; break;
  case 0xe0: for (i = 0; i < 16; i++) r.b[i] = (uint8_t)((a->b[i] + b->b[i] + 1) >> 1); break;
  case 0xe3: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)((a->w[i] + b->w[i] + 1) >> 1); break;
  case 0xe4: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)(((uint32_t)a->w[i] * b->w[i]) >> 16); break;
  case 0xe5: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)(((int32_t)(int16_t)a->w[i] * (int16_t)b->w[i]) >> 16); break;
  case 0xe8: for (i = 0; i < 16; i++) r.b[i] = (uint8_t)sat8((int8_t)a->b[i] - (int8_t)b->b[i]); break;
  case 0xe9: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)sat16((int16_t)a->w[i] - (int16_t)b->w[i]); break;
  case 0xea: for (i = 0; i < 8; i++) r.w[i] = (int16_t)a->w[i] < (int16_t)b->w[i] ? a->w[i] : b->w[i]; break;
  case 0xeb: for (i = 0; i < 2; i++) r.q[i] = a->q[i] | b->q[i]; break;
  case 0xec: for (i = 0; i < 16; i++) r.b[i] = (uint8_t)sat8((int8_t)a->b[i] + (int8_t)b->b[i]); break;
  case 0xed: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)sat16((int16_t)a->w[i] + (int16_t)b->w[i]); break;
  case 0xee: for (i = 0; i < 8; i++) r.w[i] = (int16_t)a->w[i] > (int16_t)b->w[i] ? a->w[i] : b->w[i]; break;
  case 0xef: for (i = 0; i < 2; i++) r.q[i] = a->q[i] ^ b->q[i]; break;
  case 0xf4: for (i = 0; i < 2; i++) r.q[i] = (uint64_t)a->d[2 * i] * b->d[2 * i]; break;
  case 0xf5:
    for (i = 0; i < 4; i++)
      r.d[i] = (uint32_t)((int32_t)(int16_t)a->w[2 * i] * (int16_t)b->w[2 * i] +
                          (int32_t)(int16_t)a->w[2 * i + 1] * (int16_t)b->w[2 * i + 1]);
    break;
  case 0xf6:
    for (i = 0; i < 2; i++) {
      unsigned s = 0;
      for (int k = 0; k < 8; k++) s += (unsigned)__builtin_abs(a->b[8 * i + k] - b->b[8 * i + k]);
      r.q[i] = s;
    }
    break;
  case 0xf8: for (i = 0; i < 16; i++) r.b[i] = (uint8_t)(a->b[i] - b->b[i]); break;
  case 0xf9: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)(a->w[i] - b->w[i]); break;
  case 0xfa: for (i = 0; i < 4; i++) r.d[i] = a->d[i] - b->d[i]; break;
  case 0xfb: for (i = 0; i < 2; i++) r.q[i] = a->q[i] - b->q[i]; break;
  case 0xfc: for (i = 0; i < 16; i++) r.b[i] = (uint8_t)(a->b[i] + b->b[i]); break;
  case 0xfd: for (i = 0; i < 8; i++) r.w[i] = (uint16_t)(a->w[i] + b->w[i]); break;
  case 0xfe: for (i = 0; i < 4; i++) r.d[i] = a->d[i] + b->d[i]; break;
  default: return false;
  }
  *a = r;
  return true;
}

/* PSRL/PSRA/PSLL W/D/Q by a count (from an XMM register or an immediate); kind 2 = right
 * logical, 4 = right arithmetic, 6 = left, as in the 71..73 group's reg field */
static void shift_op(X86Xmm *a, int lane, int kind, uint64_t count) {
  int bits = lane * 8, n = 16 / lane;
  for (int i = 0; i < n; i++) {
    uint64_t v = lane == 2 ? a->w[i] : lane == 4 ? a->d[i] : a->q[i], r;
    if (kind == 4) {
      int64_t s = (int64_t)(v << (64 - bits)) >> (64 - bits);
      r = (uint64_t)(s >> (count > (uint64_t)bits - 1 ? bits - 1 : (int)count));
    } else if (count > (uint64_t)bits - 1) {
      r = 0;
    } else {
      r = kind == 2 ? v >> count : v << count;
    }
    if (lane == 2) a->w[i] = (uint16_t)r; else if (lane == 4) a->d[i] = (uint32_t)r; else a->q[i] = r;
  }
}

bool x86_sse_int(int op, X86Xmm *a, const X86Xmm *b) { return int_op(op, a, b); }
void x86_sse_shift(X86Xmm *a, int lane, int kind, uint64_t count) { shift_op(a, lane, kind, count); }

/* floating-point arithmetic rows 51, 58, 59, 5C..5F */
static int fp_arith(X86Cpu *c, const X86Insn *d, int pfx, int op) {
  X86Xmm s, *a = &c->xmm[d->reg];
  bool scalar = pfx == P_F3 || pfx == P_F2;
  CHK(read_src(c, d, &s, pfx == P_F3 ? 4 : pfx == P_F2 ? 8 : 16, !scalar));
  switch (pfx) {
  case P_NONE: for (int i = 0; i < 4; i++) a->d[i] = f32_op(op, a->d[i], s.d[i]); break;
  case P_66: for (int i = 0; i < 2; i++) a->q[i] = f64_op(op, a->q[i], s.q[i]); break;
  case P_F3: a->d[0] = f32_op(op, a->d[0], s.d[0]); break;
  default: a->q[0] = f64_op(op, a->q[0], s.q[0]); break;
  }
  return 0;
}

static int fp_compare(X86Cpu *c, const X86Insn *d, int pfx) { /* C2: CMPPS/PD/SS/SD */
  X86Xmm s, *a = &c->xmm[d->reg];
  bool scalar = pfx == P_F3 || pfx == P_F2;
  CHK(read_src(c, d, &s, pfx == P_F3 ? 4 : pfx == P_F2 ? 8 : 16, !scalar));
  int pred = (int)(d->imm & 7);
  if (pfx == P_NONE || pfx == P_F3) {
    for (int i = 0; i < (pfx == P_F3 ? 1 : 4); i++)
      a->d[i] = fp_cmp(pred, f32_of(a->d[i]), f32_of(s.d[i]), f32_nan(a->d[i]) || f32_nan(s.d[i])) ? ~0u : 0;
  } else {
    for (int i = 0; i < (pfx == P_F2 ? 1 : 2); i++)
      a->q[i] = fp_cmp(pred, f64_of(a->q[i]), f64_of(s.q[i]), f64_nan(a->q[i]) || f64_nan(s.q[i])) ? ~0ULL : 0;
  }
  return 0;
}

/* UCOMISS/UCOMISD/COMISS/COMISD: ZF PF CF = 111 unordered, 001 less, 100 equal, 000 greater */
static int fp_comi(X86Cpu *c, const X86Insn *d, int pfx) {
  X86Xmm s;
  CHK(read_src(c, d, &s, pfx == P_66 ? 8 : 4, false));
  const X86Xmm *a = &c->xmm[d->reg];
  double x, y;
  bool un;
  if (pfx == P_66) { x = f64_of(a->q[0]); y = f64_of(s.q[0]); un = f64_nan(a->q[0]) || f64_nan(s.q[0]); }
  else { x = f32_of(a->d[0]); y = f32_of(s.d[0]); un = f32_nan(a->d[0]) || f32_nan(s.d[0]); }
  uint64_t f = un ? FLAG_ZF | FLAG_PF | FLAG_CF : x < y ? FLAG_CF : x == y ? FLAG_ZF : 0;
  c->rflags = (c->rflags & ~(uint64_t)FLAGS_ARITH) | f;
  c->cc_op = CC_NONE;
  return 0;
}

/* CVTPI2PS CVTPI2PD (from mm/m64), CVT(T)PS2PI CVT(T)PD2PI (to mm): MMX instructions, so TOP 0
 * and every tag valid afterwards */
static int mmx_conversions(X86Cpu *c, const X86Insn *d, int pfx, int op) {
  X86Xmm s, *a = &c->xmm[d->reg];
  uint64_t v;
  if (op == 0x2a) {
    if (d->mod == 3) v = c->fpr[d->rm & 7].m;
    else CHK(x86_load(c, x86_ea(c, d), 8, &v));
    int32_t lo = (int32_t)v, hi = (int32_t)(v >> 32);
    if (pfx == P_NONE) { a->d[0] = bits_f32((float)lo); a->d[1] = bits_f32((float)hi); }
    else { a->q[0] = bits_f64((double)lo); a->q[1] = bits_f64((double)hi); }
  } else {
    bool t = op == 0x2c;
    uint32_t r[2];
    CHK(read_src(c, d, &s, pfx == P_NONE ? 8 : 16, pfx == P_66));
    for (int i = 0; i < 2; i++) {
      if (pfx == P_NONE) r[i] = f32_nan(s.d[i]) ? 1u << 31 : f64_to_i32((double)f32_of(s.d[i]), t);
      else r[i] = f64_nan(s.q[i]) ? 1u << 31 : f64_to_i32(f64_of(s.q[i]), t);
    }
    c->fpr[d->reg & 7].m = r[0] | (uint64_t)r[1] << 32;
    c->fpr[d->reg & 7].se = 0xffff;
  }
  c->fsw &= 0xc7ff; c->ftw = 0xff;
  return 0;
}

static int conversions(X86Cpu *c, const X86Insn *d, int pfx, int op) {
  X86Xmm s, *a = &c->xmm[d->reg], r;
  uint64_t v;
  if ((op == 0x2a || op == 0x2c || op == 0x2d) && (pfx == P_NONE || pfx == P_66)) return mmx_conversions(c, d, pfx, op);
  switch (op) {
  case 0x2a: /* CVTSI2SS / CVTSI2SD from r/m32 or r/m64 */
    if (pfx != P_F3 && pfx != P_F2) return EXC_UD;
    CHK(x86_read_rm(c, d, d->rex & 8 ? 8 : 4, &v));
    {
      int64_t iv = d->rex & 8 ? (int64_t)v : (int64_t)(int32_t)v;
      if (pfx == P_F3) a->d[0] = bits_f32((float)iv);
      else a->q[0] = bits_f64((double)iv);
    }
    return 0;
  case 0x2c: case 0x2d: { /* CVTTSS2SI CVTTSD2SI CVTSS2SI CVTSD2SI */
    if (pfx != P_F3 && pfx != P_F2) return EXC_UD;
    CHK(read_src(c, d, &s, pfx == P_F3 ? 4 : 8, false));
    double x = pfx == P_F3 ? (double)f32_of(s.d[0]) : f64_of(s.q[0]);
    bool nan = pfx == P_F3 ? f32_nan(s.d[0]) : f64_nan(s.q[0]);
    bool t = op == 0x2c;
    if (d->rex & 8) c->r[d->reg] = nan ? 1ULL << 63 : f64_to_i64(x, t);
    else c->r[d->reg] = nan ? 1u << 31 : f64_to_i32(x, t);
    return 0;
  }
  case 0x5a: /* CVTPS2PD CVTPD2PS CVTSS2SD CVTSD2SS */
    CHK(read_src(c, d, &s, pfx == P_NONE || pfx == P_F2 ? 8 : pfx == P_F3 ? 4 : 16, pfx == P_66));
    switch (pfx) {
    case P_NONE: r.q[0] = f32_to_f64(s.d[0]); r.q[1] = f32_to_f64(s.d[1]); *a = r; break;
    case P_66: r.d[0] = f64_to_f32(s.q[0]); r.d[1] = f64_to_f32(s.q[1]); r.q[1] = 0; *a = r; break;
    case P_F3: a->q[0] = f32_to_f64(s.d[0]); break;
    default: a->d[0] = f64_to_f32(s.q[0]); break;
    }
    return 0;
  case 0x5b: /* CVTDQ2PS CVTPS2DQ CVTTPS2DQ */
    if (pfx == P_F2) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    for (int i = 0; i < 4; i++) {
      if (pfx == P_NONE) r.d[i] = bits_f32((float)(int32_t)s.d[i]);
      else r.d[i] = f32_nan(s.d[i]) ? 1u << 31 : f64_to_i32((double)f32_of(s.d[i]), pfx == P_F3);
    }
    *a = r;
    return 0;
  case 0xe6: /* CVTTPD2DQ (66) CVTDQ2PD (F3) CVTPD2DQ (F2) */
    if (pfx == P_NONE) return EXC_UD;
    CHK(read_src(c, d, &s, pfx == P_F3 ? 8 : 16, pfx != P_F3));
    if (pfx == P_F3) {
      r.q[0] = bits_f64((double)(int32_t)s.d[0]);
      r.q[1] = bits_f64((double)(int32_t)s.d[1]);
    } else {
      for (int i = 0; i < 2; i++) r.d[i] = f64_nan(s.q[i]) ? 1u << 31 : f64_to_i32(f64_of(s.q[i]), pfx == P_66);
      r.q[1] = 0;
    }
    *a = r;
    return 0;
  }
  return EXC_UD;
}

/* SSE3 (SDM vol. 2: ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD, MOVSLDUP, MOVSHDUP, MOVDDUP, LDDQU); -1 when
 * the opcode and prefix are not one of them. Results go through a copy: the source may be the
 * destination register. */
static int sse3(X86Cpu *c, const X86Insn *d, int pfx, int op) {
  X86Xmm s, r, *a = &c->xmm[d->reg];
  switch (op) {
  case 0x12: case 0x16: /* F3: MOVSLDUP MOVSHDUP; F2 12: MOVDDUP (m64, no alignment check) */
    if (pfx == P_F2 && op == 0x12) {
      CHK(read_src(c, d, &s, 8, false));
      a->q[1] = a->q[0] = s.q[0];
      return 0;
    }
    if (pfx != P_F3) return -1;
    CHK(read_src(c, d, &s, 16, true));
    int h = op == 0x16;
    a->d[0] = a->d[1] = s.d[h];
    a->d[2] = a->d[3] = s.d[2 + h];
    return 0;
  case 0x7c: case 0x7d: { /* 66: HADDPD HSUBPD; F2: HADDPS HSUBPS (pairs of a, then pairs of s) */
    if (pfx != P_66 && pfx != P_F2) return -1;
    CHK(read_src(c, d, &s, 16, true));
    int f = op == 0x7c ? FP_ADD : FP_SUB;
    if (pfx == P_66) { r.q[0] = f64_op(f, a->q[0], a->q[1]); r.q[1] = f64_op(f, s.q[0], s.q[1]); }
    else {
      r.d[0] = f32_op(f, a->d[0], a->d[1]); r.d[1] = f32_op(f, a->d[2], a->d[3]);
      r.d[2] = f32_op(f, s.d[0], s.d[1]); r.d[3] = f32_op(f, s.d[2], s.d[3]);
    }
    *a = r;
    return 0;
  }
  case 0xd0: /* 66: ADDSUBPD; F2: ADDSUBPS (even elements subtract, odd ones add) */
    if (pfx != P_66 && pfx != P_F2) return -1;
    CHK(read_src(c, d, &s, 16, true));
    if (pfx == P_66) { a->q[0] = f64_op(FP_SUB, a->q[0], s.q[0]); a->q[1] = f64_op(FP_ADD, a->q[1], s.q[1]); }
    else for (int i = 0; i < 4; i++) a->d[i] = f32_op(i & 1 ? FP_ADD : FP_SUB, a->d[i], s.d[i]);
    return 0;
  case 0xf0: /* F2: LDDQU, memory only, no alignment check */
    if (pfx != P_F2) return -1;
    if (d->mod == 3) return EXC_UD;
    CHK(read_src(c, d, &s, 16, false));
    *a = s;
    return 0;
  default: return -1;
  }
}

int x86_sse(X86Cpu *c, const X86Insn *d) {
  int op = d->op & 0xff;
  int pfx = d->rep == REP_F3 ? P_F3 : d->rep == REP_F2 ? P_F2 : d->opsize_prefix ? P_66 : P_NONE;
  if (d->op == 0x177 && pfx == P_NONE) { c->ftw = 0; return 0; } /* EMMS */
  if (d->op < 0x100 || !d->has_modrm) return EXC_UD;
  if (pfx >= P_66) { int e = sse3(c, d, pfx, op); if (e >= 0) return e; }
  X86Xmm s, *a = &c->xmm[d->reg];
  uint64_t v;
  bool reg = d->mod == 3;
  switch (op) {
  case 0x10: /* MOVUPS MOVUPD MOVSS MOVSD (loads) */
    if (pfx == P_F3 || pfx == P_F2) {
      int n = pfx == P_F3 ? 4 : 8;
      if (reg) memcpy(a, &c->xmm[d->rm], n);
      else { CHK(read_src(c, d, &s, n, false)); *a = s; }
      return 0;
    }
    CHK(read_src(c, d, &s, 16, false));
    *a = s;
    return 0;
  case 0x11: { /* stores */
    int n = pfx == P_F3 ? 4 : pfx == P_F2 ? 8 : 16;
    if (reg) { memcpy(&c->xmm[d->rm], a, n); return 0; }
    return write_dst_mem(c, d, a, n, false);
  }
  case 0x12: case 0x13: /* MOVLPS/MOVLPD, MOVHLPS */
    if (pfx > P_66) return EXC_UD;
    if (op == 0x13) { if (reg) return EXC_UD; return write_dst_mem(c, d, &a->q[0], 8, false); }
    if (reg) { if (pfx == P_66) return EXC_UD; a->q[0] = c->xmm[d->rm].q[1]; return 0; }
    CHK(read_src(c, d, &s, 8, false));
    a->q[0] = s.q[0];
    return 0;
  case 0x16: case 0x17: /* MOVHPS/MOVHPD, MOVLHPS */
    if (pfx > P_66) return EXC_UD;
    if (op == 0x17) { if (reg) return EXC_UD; return write_dst_mem(c, d, &a->q[1], 8, false); }
    if (reg) { if (pfx == P_66) return EXC_UD; a->q[1] = c->xmm[d->rm].q[0]; return 0; }
    CHK(read_src(c, d, &s, 8, false));
    a->q[1] = s.q[0];
    return 0;
  case 0x14: case 0x15: { /* UNPCKLPS/PD UNPCKHPS/PD */
    if (pfx > P_66) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    X86Xmm r;
    int h = op == 0x15;
    if (pfx == P_NONE) { r.d[0] = a->d[2 * h]; r.d[1] = s.d[2 * h]; r.d[2] = a->d[2 * h + 1]; r.d[3] = s.d[2 * h + 1]; }
    else { r.q[0] = a->q[h]; r.q[1] = s.q[h]; }
    *a = r;
    return 0;
  }
  case 0x28: /* MOVAPS MOVAPD */
    if (pfx > P_66) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    *a = s;
    return 0;
  case 0x29: case 0x2b: /* MOVAPS/MOVAPD store, MOVNTPS/MOVNTPD */
    if (pfx > P_66) return EXC_UD;
    if (reg) { if (op == 0x2b) return EXC_UD; c->xmm[d->rm] = *a; return 0; }
    return write_dst_mem(c, d, a, 16, true);
  case 0x2a: case 0x2c: case 0x2d: case 0x5a: case 0x5b: case 0xe6:
    return conversions(c, d, pfx, op);
  case 0x2e: case 0x2f:
    if (pfx > P_66) return EXC_UD;
    return fp_comi(c, d, pfx);
  case 0x50: { /* MOVMSKPS MOVMSKPD */
    if (pfx > P_66 || !reg) return EXC_UD;
    const X86Xmm *x = &c->xmm[d->rm];
    v = pfx == P_NONE ? (x->d[0] >> 31) | (x->d[1] >> 31) << 1 | (x->d[2] >> 31) << 2 | (x->d[3] >> 31) << 3
                      : (x->q[0] >> 63) | (x->q[1] >> 63) << 1;
    c->r[d->reg] = v;
    return 0;
  }
  case 0x51: return fp_arith(c, d, pfx, FP_SQRT);
  case 0x58: return fp_arith(c, d, pfx, FP_ADD);
  case 0x59: return fp_arith(c, d, pfx, FP_MUL);
  case 0x5c: return fp_arith(c, d, pfx, FP_SUB);
  case 0x5d: return fp_arith(c, d, pfx, FP_MIN);
  case 0x5e: return fp_arith(c, d, pfx, FP_DIV);
  case 0x5f: return fp_arith(c, d, pfx, FP_MAX);
  case 0x54: case 0x55: case 0x56: case 0x57: /* ANDPS ANDNPS ORPS XORPS and PD */
    if (pfx > P_66) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    for (int i = 0; i < 2; i++)
      a->q[i] = op == 0x54 ? a->q[i] & s.q[i] : op == 0x55 ? ~a->q[i] & s.q[i] : op == 0x56 ? a->q[i] | s.q[i] : a->q[i] ^ s.q[i];
    return 0;
  case 0xc2: return fp_compare(c, d, pfx);
  case 0xc6: { /* SHUFPS SHUFPD */
    if (pfx > P_66) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    X86Xmm r;
    unsigned imm = (unsigned)d->imm;
    if (pfx == P_NONE) {
      r.d[0] = a->d[imm & 3]; r.d[1] = a->d[(imm >> 2) & 3]; r.d[2] = s.d[(imm >> 4) & 3]; r.d[3] = s.d[(imm >> 6) & 3];
    } else {
      r.q[0] = a->q[imm & 1]; r.q[1] = s.q[(imm >> 1) & 1];
    }
    *a = r;
    return 0;
  }
  case 0xc3: /* MOVNTI m32/m64, r */
    if (pfx != P_NONE || reg) return EXC_UD;
    return x86_store(c, x86_ea(c, d), d->rex & 8 ? 8 : 4, c->r[d->reg]);
  }
  /* the integer rows: 66 = XMM, no prefix = MMX */
  if (pfx == P_NONE && x86_mmx_op(op)) return x86_mmx(c, d);
  switch (op) {
  case 0x6e: /* MOVD/MOVQ xmm, r/m */
    if (pfx != P_66) return EXC_UD;
    CHK(x86_read_rm(c, d, d->rex & 8 ? 8 : 4, &v));
    a->q[0] = v; a->q[1] = 0;
    return 0;
  case 0x7e:
    if (pfx == P_66) return x86_write_rm(c, d, d->rex & 8 ? 8 : 4, d->rex & 8 ? a->q[0] : a->d[0]);
    if (pfx == P_F3) { /* MOVQ xmm, xmm/m64 */
      CHK(read_src(c, d, &s, 8, false));
      a->q[0] = s.q[0]; a->q[1] = 0;
      return 0;
    }
    return EXC_UD;
  case 0xd6: /* MOVQ xmm/m64, xmm; MOVQ2DQ xmm, mm (F3); MOVDQ2Q mm, xmm (F2) */
    if ((pfx == P_F3 || pfx == P_F2) && reg) {
      if (pfx == P_F3) { a->q[0] = c->fpr[d->rm & 7].m; a->q[1] = 0; }
      else { c->fpr[d->reg & 7].m = c->xmm[d->rm].q[0]; c->fpr[d->reg & 7].se = 0xffff; }
      c->fsw &= 0xc7ff; c->ftw = 0xff; /* an MMX instruction: TOP 0, every tag valid */
      return 0;
    }
    if (pfx != P_66) return EXC_UD;
    if (reg) { c->xmm[d->rm].q[0] = a->q[0]; c->xmm[d->rm].q[1] = 0; return 0; }
    return write_dst_mem(c, d, &a->q[0], 8, false);
  case 0x6f: /* MOVDQA MOVDQU */
    if (pfx != P_66 && pfx != P_F3) return EXC_UD;
    CHK(read_src(c, d, &s, 16, pfx == P_66));
    *a = s;
    return 0;
  case 0x7f: case 0xe7: /* MOVDQA/MOVDQU store, MOVNTDQ */
    if ((pfx != P_66 && pfx != P_F3) || (op == 0xe7 && (pfx != P_66 || reg))) return EXC_UD;
    if (reg) { c->xmm[d->rm] = *a; return 0; }
    return write_dst_mem(c, d, a, 16, pfx == P_66);
  case 0x70: { /* PSHUFD PSHUFHW PSHUFLW */
    if (pfx == P_NONE) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    X86Xmm r = s;
    unsigned imm = (unsigned)d->imm;
    if (pfx == P_66) for (int i = 0; i < 4; i++) r.d[i] = s.d[(imm >> (2 * i)) & 3];
    else if (pfx == P_F3) for (int i = 0; i < 4; i++) r.w[4 + i] = s.w[4 + ((imm >> (2 * i)) & 3)];
    else for (int i = 0; i < 4; i++) r.w[i] = s.w[(imm >> (2 * i)) & 3];
    *a = r;
    return 0;
  }
  case 0x71: case 0x72: case 0x73: { /* shifts by an immediate; 73 /3 PSRLDQ and /7 PSLLDQ by bytes */
    if (pfx != P_66 || !reg) return EXC_UD;
    X86Xmm *x = &c->xmm[d->rm];
    int kind = d->reg & 7;
    unsigned imm = (unsigned)(d->imm & 0xff);
    if (op == 0x73 && (kind == 3 || kind == 7)) {
      X86Xmm r;
      memset(&r, 0, sizeof r);
      if (imm < 16) {
        if (kind == 3) memcpy(r.b, x->b + imm, 16 - imm);
        else memcpy(r.b + imm, x->b, 16 - imm);
      }
      *x = r;
      return 0;
    }
    if (!(kind == 2 || kind == 6 || (kind == 4 && op != 0x73))) return EXC_UD;
    shift_op(x, op == 0x71 ? 2 : op == 0x72 ? 4 : 8, kind, imm);
    return 0;
  }
  case 0xd1: case 0xd2: case 0xd3: case 0xe1: case 0xe2: case 0xf1: case 0xf2: case 0xf3: {
    if (pfx != P_66) return EXC_UD;
    CHK(read_src(c, d, &s, 16, true));
    int lane = (op & 3) == 1 ? 2 : (op & 3) == 2 ? 4 : 8;
    int kind = op >= 0xf0 ? 6 : op >= 0xe0 ? 4 : 2;
    shift_op(a, lane, kind, s.q[0]);
    return 0;
  }
  case 0xc4: /* PINSRW xmm, r32/m16, imm8 */
    if (pfx != P_66) return EXC_UD;
    CHK(x86_read_rm(c, d, 2, &v));
    a->w[d->imm & 7] = (uint16_t)v;
    return 0;
  case 0xc5: /* PEXTRW r32, xmm, imm8 */
    if (pfx != P_66 || !reg) return EXC_UD;
    c->r[d->reg] = c->xmm[d->rm].w[d->imm & 7];
    return 0;
  case 0xd7: { /* PMOVMSKB r32, xmm */
    if (pfx != P_66 || !reg) return EXC_UD;
    uint32_t m = 0;
    for (int i = 0; i < 16; i++) m |= (uint32_t)(c->xmm[d->rm].b[i] >> 7) << i;
    c->r[d->reg] = m;
    return 0;
  }
  case 0xf7: { /* MASKMOVDQU: bytes of xmm whose mask byte has its top bit, to [rDI] */
    if (pfx != P_66 || !reg) return EXC_UD;
    uint64_t base = (d->asize == 4 ? (uint32_t)c->r[R_RDI] : c->r[R_RDI]) +
                    (d->seg == SEG_FS ? c->fs_base : d->seg == SEG_GS ? c->gs_base : 0);
    const X86Xmm *mask = &c->xmm[d->rm];
    for (int i = 0; i < 16; i++)
      if (mask->b[i] & 0x80) CHK(x86_store(c, base + i, 1, a->b[i]));
    return 0;
  }
  }
  if (pfx != P_66) return EXC_UD;
  CHK(read_src(c, d, &s, 16, true));
  return int_op(op, a, &s) ? 0 : EXC_UD;
}
