/* x86-64 CPU: 80-bit extended-precision arithmetic in integers (SDM vol. 1 4.2.2, 8.1-8.5), so
 * that the native and the wasm32 build (which has no 80-bit long double) give the same bits. */
#ifndef C2W_X86_F80_H
#define C2W_X86_F80_H
#include <stdint.h>

typedef struct F80 { uint64_t m; uint16_t se; } F80; /* explicit-integer-bit mantissa, sign|exponent */

/* x87 status word bits (SDM vol. 1 8.1.3) */
#define FSW_IE 0x0001u
#define FSW_DE 0x0002u
#define FSW_ZE 0x0004u
#define FSW_OE 0x0008u
#define FSW_UE 0x0010u
#define FSW_PE 0x0020u
#define FSW_SF 0x0040u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_C3 0x4000u

/* the rounding context: control word's RC and PC in, status-word flags out */
typedef struct F80Ctx { int rc; int pc_bits; uint16_t flags; } F80Ctx;

static const F80 F80_INDEFINITE = {0xc000000000000000ULL, 0xffff};

F80 f80_add(F80Ctx *x, F80 a, F80 b, int negate_b);
F80 f80_mul(F80Ctx *x, F80 a, F80 b);
F80 f80_div(F80Ctx *x, F80 a, F80 b);
F80 f80_sqrt(F80Ctx *x, F80 a);
F80 f80_scale(F80Ctx *x, F80 a, F80 b);
F80 f80_round_int(F80Ctx *x, F80 a);
F80 f80_rem(F80Ctx *x, F80 a, F80 b, int nearest, unsigned *q, int *partial);
void f80_extract(F80Ctx *x, F80 a, F80 *exp, F80 *sig);
int f80_compare(F80Ctx *x, F80 a, F80 b, int quiet); /* -1 0 1, 2 unordered */
/* conversions: from memory formats exactly, to memory formats rounded by x->rc */
F80 f80_from_f32(F80Ctx *x, uint32_t v);
F80 f80_from_f64(F80Ctx *x, uint64_t v);
F80 f80_from_int(int64_t v);
uint32_t f80_to_f32(F80Ctx *x, F80 a);
uint64_t f80_to_f64(F80Ctx *x, F80 a);
/* to a size-byte integer, rounding by rc (truncate for FISTTP); out of range = IE, indefinite */
uint64_t f80_to_int(F80Ctx *x, F80 a, int size, int rc);

/* m / 2^127 * 2^(e - bias) rounded once by RC to 64 bits (PC does not apply): the
 * transcendentals' last step (x86_f80_trans.c) */
F80 f80_round_wide(F80Ctx *x, int sign, int32_t e, unsigned __int128 m);
/* the transcendentals (x86_f80_trans.c); f80_trig returns 1 (C2) for |a| >= 2^63, untouched */
F80 f80_2xm1(F80Ctx *x, F80 a);
F80 f80_yl2x(F80Ctx *x, F80 a, F80 y);
F80 f80_yl2xp1(F80Ctx *x, F80 a, F80 y);
F80 f80_atan2(F80Ctx *x, F80 y, F80 a);
int f80_trig(F80Ctx *x, F80 a, F80 *s, F80 *c, F80 *t);

static inline int f80_is_nan(F80 a) { return (a.se & 0x7fff) == 0x7fff && (a.m << 1) != 0; }
#endif
