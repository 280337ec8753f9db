/* SSE/SSE2: scalar and packed single/double arithmetic (ADD SUB MUL DIV MIN MAX SQRT) over edge
 * values (zeros, denormals, infinities, quiet and signalling NaNs, halfway cases), CMPxx with all
 * eight predicates, UCOMIS/COMIS flags, every CVT between integers, singles and doubles, logic,
 * and the SSE2 integer operations (add/sub with saturation, compares, min/max, multiplies,
 * shifts by register and immediate, shuffles, unpacks, packs, PMOVMSKB, MOVD/MOVQ, PINSRW/PEXTRW),
 * and SSE3 (FISTTP is in x87.c).
 * Cases with two NaN operands are left out: hardware returns the first, qemu 7.2 the larger. */
#include "lib.h"

typedef struct { u64 q[2]; } __attribute__((aligned(16))) V;

static const u64 dedge[] = {
  0, 0x8000000000000000UL, 0x3ff0000000000000UL, 0xbff0000000000000UL, 0x3ff8000000000000UL,
  0x4004000000000000UL, 0xc004000000000000UL, 0x3fe0000000000000UL, 0x0010000000000000UL,
  0x0000000000000001UL, 0x000fffffffffffffUL, 0x7fefffffffffffffUL, 0x7ff0000000000000UL,
  0xfff0000000000000UL, 0x7ff8000000000000UL, 0x7ff4000000000001UL, 0xfff8000000001234UL,
  0x43e0000000000000UL, 0xc3e0000000000000UL, 0x41dfffffffc00000UL, 0xc1e0000000100000UL,
  0x3fd5555555555555UL, 0x4330000000000001UL, 0x432fffffffffffffUL, 0x3fe0000000000001UL,
};
static const u32 fedge[] = {
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000, 0xc0200000, 0x3f000000,
  0x00800000, 0x00000001, 0x007fffff, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00001,
  0xffc01234, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3eaaaaab, 0x4b000001, 0x3f000001,
};
#define ND (sizeof dedge / sizeof dedge[0])
#define NF (sizeof fedge / sizeof fedge[0])
static int dnan(u64 v) { return (v & ~(1UL << 63)) > 0x7ff0000000000000UL; }
static int fnan(u32 v) { return (v & 0x7fffffff) > 0x7f800000; }
static u64 rd_(int i) { return i < (int)ND ? dedge[i] : (rnd() & 1) ? dedge[rnd() % ND] ^ (rnd() & 0xff) : rnd(); }
static u32 rf_(int i) { return i < (int)NF ? fedge[i] : (rnd() & 1) ? fedge[rnd() % NF] ^ (u32)(rnd() & 0xff) : (u32)rnd(); }

static void pv(V v) { hx(v.q[1]); hx(v.q[0]); }

#define OP2(insn, a, b) __asm__ volatile(insn " %1, %0" : "+x"(a) : "x"(b))
#define OP2M(insn, a, b) __asm__ volatile(insn " %1, %0" : "+x"(a) : "m"(b))
#define OP2I(insn, imm, a, b) __asm__ volatile(insn " $" #imm ", %1, %0" : "+x"(a) : "x"(b))

static void scalar_double(void) {
  for (int i = 0; i < (int)(ND * ND) + 200; i++) {
    u64 x = i < (int)(ND * ND) ? dedge[i / ND] : rd_(ND + i), y = i < (int)(ND * ND) ? dedge[i % ND] : rd_(ND + i);
    if (dnan(x) && dnan(y)) continue;
    V a = {{x, 0x1111}}, b = {{y, 0x2222}}, r;
    puts_("sd"); hx(x); hx(y);
#define SD(insn) r = a; OP2(insn, r, b); hx(r.q[0]); hx(r.q[1]);
    SD("addsd") SD("subsd") SD("mulsd") SD("divsd") SD("minsd") SD("maxsd") SD("sqrtsd")
    r = a; OP2M("addsd", r, b.q[0]); hx(r.q[0]);
#define CMP(p) r = a; OP2I("cmpsd", p, r, b); hx(r.q[0]);
    CMP(0) CMP(1) CMP(2) CMP(3) CMP(4) CMP(5) CMP(6) CMP(7)
    u64 f;
    __asm__ volatile("push %2\n popfq\n ucomisd %1, %0\n pushfq\n pop %3" : "+x"(a) : "x"(b), "r"(0x202UL | FLAGS), "r"(0UL) : "cc");
    __asm__ volatile("push %2\n popfq\n ucomisd %1, %3\n pushfq\n pop %0" : "=r"(f) : "x"(b), "r"(0x202UL | FLAGS), "x"(a) : "cc");
    hx(f & FLAGS);
    __asm__ volatile("push %2\n popfq\n comisd %1, %3\n pushfq\n pop %0" : "=r"(f) : "x"(b), "r"(0x202UL), "x"(a) : "cc");
    hx(f & FLAGS);
    nl();
  }
}

static void scalar_single(void) {
  for (int i = 0; i < (int)(NF * NF) + 200; i++) {
    u32 x = i < (int)(NF * NF) ? fedge[i / NF] : rf_(NF + i), y = i < (int)(NF * NF) ? fedge[i % NF] : rf_(NF + i);
    if (fnan(x) && fnan(y)) continue;
    V a = {{x | 0x3333000000000000UL, 0x1111}}, b = {{y | 0x4444000000000000UL, 0x2222}}, r;
    puts_("ss"); hx(x); hx(y);
#define SS(insn) r = a; OP2(insn, r, b); hx(r.q[0]);
    SS("addss") SS("subss") SS("mulss") SS("divss") SS("minss") SS("maxss") SS("sqrtss")
#define CMPS(p) r = a; OP2I("cmpss", p, r, b); hx(r.q[0]);
    CMPS(0) CMPS(1) CMPS(2) CMPS(3) CMPS(4) CMPS(5) CMPS(6) CMPS(7)
    u64 f;
    __asm__ volatile("push %2\n popfq\n ucomiss %1, %3\n pushfq\n pop %0" : "=r"(f) : "x"(b), "r"(0x202UL | FLAGS), "x"(a) : "cc");
    hx(f & FLAGS);
    __asm__ volatile("push %2\n popfq\n comiss %1, %3\n pushfq\n pop %0" : "=r"(f) : "x"(b), "r"(0x202UL), "x"(a) : "cc");
    hx(f & FLAGS);
    nl();
  }
}

static void packed(void) {
  for (int i = 0; i < 300; i++) {
    V a, b, r;
    u32 fa[4], fb[4];
    for (int k = 0; k < 4; k++) { fa[k] = rf_(NF + i); fb[k] = rf_(NF + i); if (fnan(fa[k]) && fnan(fb[k])) fb[k] = 0x3f800000; }
    a.q[0] = fa[0] | (u64)fa[1] << 32; a.q[1] = fa[2] | (u64)fa[3] << 32;
    b.q[0] = fb[0] | (u64)fb[1] << 32; b.q[1] = fb[2] | (u64)fb[3] << 32;
    puts_("ps"); pv(a); pv(b);
#define PK(insn) r = a; OP2(insn, r, b); pv(r);
    PK("addps") PK("subps") PK("mulps") PK("divps") PK("minps") PK("maxps") PK("sqrtps")
    PK("andps") PK("andnps") PK("orps") PK("xorps") PK("unpcklps") PK("unpckhps")
    r = a; OP2I("cmpps", 1, r, b); pv(r); r = a; OP2I("cmpps", 3, r, b); pv(r); r = a; OP2I("cmpps", 6, r, b); pv(r);
    r = a; OP2I("shufps", 0x1b, r, b); pv(r); r = a; OP2I("shufps", 0xc6, r, b); pv(r);
    u64 m; __asm__("movmskps %1, %k0" : "=r"(m) : "x"(a)); hx(m);
    r = a; OP2M("addps", r, b); pv(r);
    nl();
    u64 da[2] = {rd_(ND + i), rd_(ND + i)}, db[2] = {rd_(ND + i), rd_(ND + i)};
    for (int k = 0; k < 2; k++) if (dnan(da[k]) && dnan(db[k])) db[k] = 0x3ff0000000000000UL;
    a.q[0] = da[0]; a.q[1] = da[1]; b.q[0] = db[0]; b.q[1] = db[1];
    puts_("pd"); pv(a); pv(b);
    PK("addpd") PK("subpd") PK("mulpd") PK("divpd") PK("minpd") PK("maxpd") PK("sqrtpd")
    PK("andpd") PK("andnpd") PK("orpd") PK("xorpd") PK("unpcklpd") PK("unpckhpd")
    r = a; OP2I("cmppd", 2, r, b); pv(r); r = a; OP2I("cmppd", 4, r, b); pv(r); r = a; OP2I("cmppd", 7, r, b); pv(r);
    r = a; OP2I("shufpd", 1, r, b); pv(r); r = a; OP2I("shufpd", 2, r, b); pv(r);
    __asm__("movmskpd %1, %k0" : "=r"(m) : "x"(a)); hx(m);
    nl();
  }
}

static void conversions(void) {
  for (int i = 0; i < 400; i++) {
    u64 x = rd_(i), f = rf_(i), n = operand(i);
    V a = {{x, rd_(ND + i)}}, b = {{f | (u64)rf_(NF + i) << 32, rnd()}}, r;
    u64 g1, g2, g3, g4;
    __asm__("cvttsd2si %1, %0" : "=r"(g1) : "x"(a)); __asm__("cvtsd2si %1, %0" : "=r"(g2) : "x"(a));
    __asm__("cvttsd2si %1, %k0" : "=r"(g3) : "x"(a)); __asm__("cvtsd2si %1, %k0" : "=r"(g4) : "x"(a));
    puts_("cvtsd"); hx(x); hx(g1); hx(g2); hx(g3); hx(g4);
    __asm__("cvttss2si %1, %0" : "=r"(g1) : "x"(b)); __asm__("cvtss2si %1, %0" : "=r"(g2) : "x"(b));
    __asm__("cvttss2si %1, %k0" : "=r"(g3) : "x"(b)); __asm__("cvtss2si %1, %k0" : "=r"(g4) : "x"(b));
    hx(f); hx(g1); hx(g2); hx(g3); hx(g4); nl();
    puts_("cvt"); hx(n);
    r = a; __asm__("cvtsi2sdq %1, %0" : "+x"(r) : "r"(n)); pv(r);
    r = a; __asm__("cvtsi2sdl %k1, %0" : "+x"(r) : "r"(n)); pv(r);
    r = a; __asm__("cvtsi2ssq %1, %0" : "+x"(r) : "r"(n)); pv(r);
    r = a; __asm__("cvtsi2ssl %k1, %0" : "+x"(r) : "r"(n)); pv(r);
    r = a; OP2("cvtsd2ss", r, a); pv(r);
    r = a; OP2("cvtss2sd", r, b); pv(r);
    r = a; OP2("cvtps2pd", r, b); pv(r);
    r = a; OP2("cvtpd2ps", r, a); pv(r);
    r = a; OP2("cvtdq2ps", r, b); pv(r);
    r = a; OP2("cvtps2dq", r, b); pv(r);
    r = a; OP2("cvttps2dq", r, b); pv(r);
    r = a; OP2("cvtdq2pd", r, b); pv(r);
    r = a; OP2("cvtpd2dq", r, a); pv(r);
    r = a; OP2("cvttpd2dq", r, a); pv(r);
    nl();
  }
}

static V rv(void) { V v = {{rnd(), rnd()}}; if (rnd() & 1) v.q[0] = (v.q[0] & 0x8080808080808080UL) * 0xff / 0x80; return v; }

static void integer(void) {
  for (int i = 0; i < 200; i++) {
    V a = rv(), b = i & 1 ? rv() : a, r;
    if (i & 2) b.q[1] = a.q[1];
    puts_("int"); pv(a); pv(b);
#define IN(insn) r = a; OP2(insn, r, b); pv(r);
    IN("paddb") IN("paddw") IN("paddd") IN("paddq") IN("psubb") IN("psubw") IN("psubd") IN("psubq")
    IN("paddsb") IN("paddsw") IN("paddusb") IN("paddusw") IN("psubsb") IN("psubsw") IN("psubusb") IN("psubusw")
    IN("pcmpeqb") IN("pcmpeqw") IN("pcmpeqd") IN("pcmpgtb") IN("pcmpgtw") IN("pcmpgtd")
    IN("pand") IN("pandn") IN("por") IN("pxor") IN("pminub") IN("pmaxub") IN("pminsw") IN("pmaxsw")
    IN("pavgb") IN("pavgw") IN("pmullw") IN("pmulhw") IN("pmulhuw") IN("pmuludq") IN("pmaddwd") IN("psadbw")
    IN("punpcklbw") IN("punpcklwd") IN("punpckldq") IN("punpcklqdq") IN("punpckhbw") IN("punpckhwd")
    IN("punpckhdq") IN("punpckhqdq") IN("packsswb") IN("packssdw") IN("packuswb")
    r = a; OP2M("pxor", r, b); pv(r); r = a; OP2M("paddd", r, b); pv(r);
    nl();
    puts_("shuf"); pv(a);
    r = a; __asm__("pshufd $0x1b, %1, %0" : "=x"(r) : "x"(a)); pv(r);
    r = a; __asm__("pshufd $0x4e, %1, %0" : "=x"(r) : "x"(a)); pv(r);
    r = a; __asm__("pshuflw $0xb1, %1, %0" : "=x"(r) : "x"(a)); pv(r);
    r = a; __asm__("pshufhw $0x1e, %1, %0" : "=x"(r) : "x"(a)); pv(r);
    u64 m; __asm__("pmovmskb %1, %k0" : "=r"(m) : "x"(a)); hx(m);
    __asm__("pextrw $5, %1, %k0" : "=r"(m) : "x"(a)); hx(m);
    r = a; __asm__("pinsrw $3, %k1, %0" : "+x"(r) : "r"(b.q[0])); pv(r);
    __asm__("movd %1, %k0" : "=r"(m) : "x"(a)); hx(m);
    __asm__("movq %1, %0" : "=r"(m) : "x"(a)); hx(m);
    r = a; __asm__("movd %k1, %0" : "=x"(r) : "r"(b.q[1])); pv(r);
    r = a; __asm__("movq %1, %0" : "=x"(r) : "r"(b.q[1])); pv(r);
    r = b; __asm__("movq %1, %0" : "+x"(r) : "x"(a)); pv(r);
    r = b; __asm__("movhlps %1, %0" : "+x"(r) : "x"(a)); pv(r);
    r = b; __asm__("movlhps %1, %0" : "+x"(r) : "x"(a)); pv(r);
    r = b; __asm__("movsd %1, %0" : "+x"(r) : "x"(a)); pv(r);
    r = b; __asm__("movss %1, %0" : "+x"(r) : "x"(a)); pv(r);
    r = b; __asm__("movlps %1, %0" : "+x"(r) : "m"(a.q[1])); pv(r);
    r = b; __asm__("movhpd %1, %0" : "+x"(r) : "m"(a.q[0])); pv(r);
    r = b; __asm__("movsd %1, %0" : "+x"(r) : "m"(a.q[1])); pv(r);
    r = b; __asm__("movss %1, %0" : "+x"(r) : "m"(a.q[1])); pv(r);
    nl();
  }
  for (int cnt = 0; cnt <= 66; cnt++) {
    V a = rv(), c = {{(u64)cnt | (cnt == 66 ? 1UL << 40 : 0), rnd()}}, r;
    puts_("shift"); hx(cnt); pv(a);
#define SHV(insn) r = a; OP2(insn, r, c); pv(r);
    SHV("psllw") SHV("pslld") SHV("psllq") SHV("psrlw") SHV("psrld") SHV("psrlq") SHV("psraw") SHV("psrad")
#define SHI(insn, n) r = a; __asm__(insn " $" #n ", %0" : "+x"(r)); pv(r);
    SHI("psllw", 3) SHI("psllw", 16) SHI("pslld", 31) SHI("psllq", 63) SHI("psrlw", 15) SHI("psrld", 32)
    SHI("psrlq", 7) SHI("psraw", 9) SHI("psraw", 200) SHI("psrad", 31) SHI("pslldq", 3) SHI("psrldq", 9)
    SHI("pslldq", 16) SHI("psrldq", 0)
    nl();
  }
}

static void moves(void) {
  static V buf[8];
  for (int i = 0; i < 8; i++) { buf[i].q[0] = rnd(); buf[i].q[1] = rnd(); }
  V r;
  u8 *p = (u8 *)buf;
  for (int off = 0; off < 32; off += 3) {
    __asm__ volatile("movdqu %1, %0" : "=x"(r) : "m"(*(V *)(p + off))); puts_("movdqu"); pv(r);
    __asm__ volatile("movups %1, %0" : "=x"(r) : "m"(*(V *)(p + off))); pv(r);
    __asm__ volatile("movdqu %1, %0" : "=m"(*(V *)(p + 64 + off)) : "x"(r)); pv(buf[4]); pv(buf[5]); pv(buf[6]);
    nl();
  }
  __asm__ volatile("movdqa %1, %0\n movaps %0, %2\n movapd %2, %0\n movntdq %0, %3" : "=&x"(r) : "m"(buf[1]), "m"(buf[2]), "m"(buf[3]));
  puts_("movdqa"); pv(r); pv(buf[3]); nl();
  u64 mask[2] = {0x8000800080008000UL, 0x0080008080800080UL};
  V vm; __asm__("movdqu %1, %0" : "=x"(vm) : "m"(mask));
  __asm__ volatile("maskmovdqu %1, %0" : : "x"(buf[0]), "x"(vm), "D"(&buf[7]) : "memory");
  puts_("maskmov"); pv(buf[7]); nl();
}

/* SSE3: horizontal and alternating add/sub over pairs of edge values (no pair with two NaNs, see
 * above), the duplicating moves from registers and memory, LDDQU from an unaligned address */
static void sse3(void) {
  static u8 buf[48] __attribute__((aligned(16)));
  for (int i = 0; i < 400; i++) {
    u32 fa[4], fb[4];
    for (int k = 0; k < 4; k++) { fa[k] = i < (int)(NF * NF) ? fedge[(i / NF + k) % NF] : rf_(NF + i); fb[k] = i < (int)(NF * NF) ? fedge[(i + k) % NF] : rf_(NF + i); }
    for (int k = 0; k < 4; k += 2) {
      if (fnan(fa[k]) && fnan(fa[k + 1])) fa[k + 1] = 0x3f800000;
      if (fnan(fb[k]) && fnan(fb[k + 1])) fb[k + 1] = 0x3f800000;
    }
    for (int k = 0; k < 4; k++) if (fnan(fa[k]) && fnan(fb[k])) fb[k] = 0x40000000;
    V a, b, r;
    a.q[0] = fa[0] | (u64)fa[1] << 32; a.q[1] = fa[2] | (u64)fa[3] << 32;
    b.q[0] = fb[0] | (u64)fb[1] << 32; b.q[1] = fb[2] | (u64)fb[3] << 32;
    puts_("sse3ps"); pv(a); pv(b);
    PK("haddps") PK("hsubps") PK("addsubps") PK("movsldup") PK("movshdup")
    r = a; OP2M("haddps", r, b); pv(r); r = a; OP2M("addsubps", r, b); pv(r);
    r = a; OP2M("movshdup", r, b); pv(r);
    nl();
    u64 da[2], db[2];
    for (int k = 0; k < 2; k++) { da[k] = i < (int)(ND * ND) ? dedge[(i / ND + k) % ND] : rd_(ND + i); db[k] = i < (int)(ND * ND) ? dedge[(i + k) % ND] : rd_(ND + i); }
    if (dnan(da[0]) && dnan(da[1])) da[1] = 0x3ff0000000000000UL;
    if (dnan(db[0]) && dnan(db[1])) db[1] = 0x3ff0000000000000UL;
    for (int k = 0; k < 2; k++) if (dnan(da[k]) && dnan(db[k])) db[k] = 0x4000000000000000UL;
    a.q[0] = da[0]; a.q[1] = da[1]; b.q[0] = db[0]; b.q[1] = db[1];
    puts_("sse3pd"); pv(a); pv(b);
    PK("haddpd") PK("hsubpd") PK("addsubpd") PK("movddup")
    r = a; OP2M("hsubpd", r, b); pv(r); r = a; OP2M("movddup", r, b.q[1]); pv(r);
    for (int k = 0; k < 48; k++) buf[k] = (u8)rnd();
    int off = i & 31;
    __asm__ volatile("lddqu %1, %0" : "=x"(r) : "m"(*(V *)(buf + off)));
    pv(r);
    nl();
  }
}

int main(void) {
  scalar_double();
  scalar_single();
  packed();
  conversions();
  integer();
  moves();
  sse3();
  flush();
  return 0;
}
