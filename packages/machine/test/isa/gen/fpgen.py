#!/usr/bin/env python3
"""Generate fp_table.h for fp.c: IEEE 754 known answers computed here with exact rational
arithmetic (Python fractions), independently of any FPU, for F and D arithmetic in every
rounding mode. qemu-system-riscv64 then confirms every entry (run-qemu.sh).

Covered ops: fadd fsub fmul fdiv fsqrt fmadd fmsub fnmsub fnmadd, .s and .d, rounding modes
RNE RTZ RDN RUP RMM (static) and DYN (frm set to each mode). Flags: NV DZ OF UF NX with
tininess detected after rounding (as RISC-V specifies). Operands are finite; special values
(NaN, infinities, signed zeros) are hand-written tests in fp.c.

usage: gen/fpgen.py > fp_table.h
"""
from fractions import Fraction
import itertools
import math
import struct

NV, DZ, OF, UF, NX = 0x10, 0x08, 0x04, 0x02, 0x01
RNE, RTZ, RDN, RUP, RMM, DYN = 0, 1, 2, 3, 4, 7


class Fmt:
    def __init__(self, name, p, ebits):
        self.name, self.p, self.ebits = name, p, ebits
        self.bias = (1 << (ebits - 1)) - 1
        self.emax = self.bias
        self.emin = 1 - self.bias
        self.width = 1 + ebits + p - 1

    def decode(self, bits):
        sign = bits >> (self.width - 1)
        e = (bits >> (self.p - 1)) & ((1 << self.ebits) - 1)
        m = bits & ((1 << (self.p - 1)) - 1)
        assert e != (1 << self.ebits) - 1, 'finite operands only'
        if e == 0:
            v = Fraction(m) * Fraction(2) ** (self.emin - (self.p - 1))
        else:
            v = Fraction(m + (1 << (self.p - 1))) * Fraction(2) ** (e - self.bias - (self.p - 1))
        return -v if sign else v, sign

    def zero(self, sign):
        return sign << (self.width - 1)

    def inf(self, sign):
        return (sign << (self.width - 1)) | (((1 << self.ebits) - 1) << (self.p - 1))

    def maxfin(self, sign):
        return (sign << (self.width - 1)) | ((((1 << self.ebits) - 2) << (self.p - 1)) | ((1 << (self.p - 1)) - 1))


S = Fmt('s', 24, 8)
D = Fmt('d', 53, 11)


def floor_log2(x):
    """floor(log2(x)) for a positive Fraction"""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    elif Fraction(2) ** (e + 1) <= x:
        e += 1
    return e


def round_sig(n, cls, sign, rm):
    """n = integer part, cls: 0 exact, 1 below half, 2 half, 3 above half -> rounded integer"""
    if cls == 0:
        return n
    up = {RNE: cls == 3 or (cls == 2 and n & 1), RTZ: False, RDN: sign == 1,
          RUP: sign == 0, RMM: cls >= 2}[rm]
    return n + 1 if up else n


def classify(rem):
    if rem == 0:
        return 0
    return 1 if rem < Fraction(1, 2) else 2 if rem == Fraction(1, 2) else 3


def scaled(x, q):
    """(integer part, class of remainder) of x / 2^q for a positive Fraction x"""
    t = x / Fraction(2) ** q
    n = t.numerator // t.denominator
    return n, classify(t - n)


def sqrt_scaled(a, q):
    """(integer part, remainder class) of sqrt(a) / 2^q"""
    t = a / Fraction(2) ** (2 * q)
    n = math.isqrt(t.numerator // t.denominator)
    if t == n * n:
        return n, 0
    h = Fraction(2 * n + 1, 2) ** 2
    return n, (1 if t < h else 2 if t == h else 3)


def round_value(f, sign, mag, rm, scale_fn=None, elog=None):
    """Round sign*mag (mag > 0, exact Fraction, or sqrt via scale_fn) to format f."""
    if scale_fn is None:
        scale_fn = lambda q: scaled(mag, q)
        elog = floor_log2(mag)
    flags = 0
    # tininess after rounding: round with unbounded exponent range
    q_unb = elog - (f.p - 1)
    n, cls = scale_fn(q_unb)
    nu = round_sig(n, cls, sign, rm)
    tiny = (Fraction(nu) * Fraction(2) ** q_unb) < Fraction(2) ** f.emin
    # actual rounding with subnormals
    q = max(elog, f.emin) - (f.p - 1)
    n, cls = scale_fn(q)
    n = round_sig(n, cls, sign, rm)
    if cls:
        flags |= NX
    if n == 1 << f.p:
        n >>= 1
        q += 1
    if tiny and cls:
        flags |= UF
    if n == 0:
        return f.zero(sign), flags
    e = q + (f.p - 1)
    if n >= 1 << (f.p - 1) and e > f.emax:
        flags |= OF | NX
        if rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign):
            return f.inf(sign), flags
        return f.maxfin(sign), flags
    if n < 1 << (f.p - 1):        # subnormal
        return (sign << (f.width - 1)) | n, flags
    return (sign << (f.width - 1)) | ((e + f.bias) << (f.p - 1)) | (n - (1 << (f.p - 1))), flags


def exact_result(f, v, rm, zero_sign_hint):
    if v == 0:
        return f.zero(zero_sign_hint), 0
    return round_value(f, 1 if v < 0 else 0, abs(v), rm)


def sum_zero_sign(sa, sb, rm):
    """sign of an exact zero sum of two operands with signs sa, sb (IEEE 754 6.3)"""
    if sa == sb:
        return sa
    return 1 if rm == RDN else 0


def compute(op, f, rm, a, b=None, c=None):
    va, sa = f.decode(a)
    vb, sb = f.decode(b) if b is not None else (None, None)
    vc, sc = f.decode(c) if c is not None else (None, None)
    if op == 'add':
        return exact_result(f, va + vb, rm, sum_zero_sign(sa, sb, rm))
    if op == 'sub':
        return exact_result(f, va - vb, rm, sum_zero_sign(sa, 1 - sb, rm))
    if op == 'mul':
        return exact_result(f, va * vb, rm, sa ^ sb)
    if op == 'div':
        if vb == 0:
            if va == 0:
                return None
            return f.inf(sa ^ sb), DZ
        return exact_result(f, va / vb, rm, sa ^ sb)
    if op == 'sqrt':
        if va < 0:
            return None
        if va == 0:
            return a, 0
        return round_value(f, 0, va, rm, lambda q: sqrt_scaled(va, q), floor_log2(va) // 2)
    if op in ('madd', 'msub', 'nmsub', 'nmadd'):
        p = va * vb
        ps = sa ^ sb
        cc, cs = vc, sc
        if op in ('msub', 'nmadd'):
            cc, cs = -vc, 1 - sc
        if op in ('nmsub', 'nmadd'):
            p, ps = -p, 1 - ps
        return exact_result(f, p + cc, rm, sum_zero_sign(ps, cs, rm))
    raise ValueError(op)


def fbits(f, x):
    if f is S:
        return struct.unpack('<I', struct.pack('<f', x))[0]
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def values(f):
    v = [1.0, 3.0, 0.1, -0.1, 7.0, -2.5, math.pi, 1e-3, 123456.789, -1e10]
    bits = [fbits(f, x) for x in v]
    if f is D:
        bits += [0x7fefffffffffffff, 0x0010000000000000, 0x0000000000000003, 0x3ff0000000000001,
                 0x3fefffffffffffff, 0x000fffffffffffff, 0x8010000000000001, 0x7fe0000000000000,
                 0x3ff8000000000000, 0x0000000000000000]
    else:
        bits += [0x7f7fffff, 0x00800000, 0x00000003, 0x3f800001, 0x3f7fffff, 0x007fffff,
                 0x80800001, 0x7f000000, 0x3fc00000, 0x00000000]
    return bits


OPS2 = ['add', 'sub', 'mul', 'div']
OPS3 = ['madd', 'msub', 'nmsub', 'nmadd']
OPNUM = {op: i for i, op in enumerate(['add', 'sub', 'mul', 'div', 'sqrt'] + OPS3)}
RMS = [RNE, RTZ, RDN, RUP, RMM]


def cases():
    out = []
    for f in (S, D):
        vals = values(f)
        for op in OPS2:
            pairs = list(itertools.product(range(len(vals)), repeat=2))
            # a fixed, spread-out fifth of all pairs
            sel = [(i, j) for (i, j) in pairs if (i * 7 + j * 3 + OPNUM[op]) % 5 == 0]
            for i, j in sel:
                for rm in RMS:
                    r = compute(op, f, rm, vals[i], vals[j])
                    if r is None:
                        continue
                    out.append((OPNUM[op], f, rm, vals[i], vals[j], 0) + r)
        for i, a in enumerate(vals):
            for rm in RMS:
                r = compute('sqrt', f, rm, a & ~(1 << (f.width - 1)))
                if r is not None:
                    out.append((OPNUM['sqrt'], f, rm, a & ~(1 << (f.width - 1)), 0, 0) + r)
        triples = [(i, (i * 3 + 1) % len(vals), (i * 7 + 2) % len(vals)) for i in range(len(vals))]
        triples += [(13, 14, 15 if f is D else 15)]  # (1+ulp)*(1-ulp/2) + tiny
        for op in OPS3:
            for i, j, k in triples:
                for rm in RMS:
                    r = compute(op, f, rm, vals[i], vals[j], vals[k])
                    out.append((OPNUM[op], f, rm, vals[i], vals[j], vals[k]) + r)
    # dynamic rounding: the same as the static mode held in frm; a subset, encoded rm = 8 + frm
    dyn = []
    for k, e in enumerate(out):
        if k % 11 == 0:
            dyn.append((e[0], e[1], 8 + e[2]) + e[3:])
    return out + dyn


def main():
    cs = cases()
    print('/* Generated by gen/fpgen.py (exact rational arithmetic); do not edit. */')
    print('/* op: 0 add 1 sub 2 mul 3 div 4 sqrt 5 madd 6 msub 7 nmsub 8 nmadd;')
    print('   rm: 0..4 static RNE RTZ RDN RUP RMM, 8 + m = dynamic with frm = m */')
    print('#define FP_NCASES %d' % len(cs))
    print('static const struct fp_case fp_cases[FP_NCASES] = {')
    for op, f, rm, a, b, c, res, fl in cs:
        print('  {%d, %d, %d, 0x%x, 0x%x, 0x%x, 0x%xULL, 0x%02x},' %
              (op, 1 if f is D else 0, rm, a, b, c, res, fl))
    print('};')


if __name__ == '__main__':
    main()
