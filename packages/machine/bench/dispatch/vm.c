/* Three ways to dispatch a decoded-instruction interpreter in wasm, one toy VM (docs/decisions/0061):
 * a switch compiled to a compare tree (-fno-jump-tables, as the machine is built), the same switch
 * as a br_table (jump tables), and handlers that end in a tail call (-DTAIL -mtail-call:
 * musttail -> return_call_indirect). The program is a loop of 200 random operations out of 63
 * register-to-register ones; bench(n) runs it n times and returns the operations counted.
 * Built and run by run.sh. */
#include <stdint.h>
#include <stddef.h>
typedef struct { uint8_t op, rd, rs1, rs2; int32_t imm; } Insn;
#define NOPS 64
static uint64_t x[33];
static Insn prog[4096];
static uint64_t cnt;

/* op 0: decrement x[rs1] and branch back while it is not 0; ops 1..63: ALU variants */
#define ALU(n) \
  case n: x[d->rd] = (x[d->rs1] + (uint64_t)d->imm) ^ (x[d->rs2] << (n & 7)) ; d++; continue;

#ifndef TAIL
__attribute__((noinline)) uint64_t run_switch(const Insn *d, uint64_t budget) {
  uint64_t c = 0;
  for (;;) {
    c++;
    switch (d->op) {
    case 0:
      if (--x[d->rs1] != 0 && c < budget) { d += d->imm; continue; }
      cnt = c; return x[1];
#define A8(b) ALU(b+0) ALU(b+1) ALU(b+2) ALU(b+3) ALU(b+4) ALU(b+5) ALU(b+6) ALU(b+7)
    ALU(1) ALU(2) ALU(3) ALU(4) ALU(5) ALU(6) ALU(7)
    A8(8) A8(16) A8(24) A8(32) A8(40) A8(48) A8(56)
    default: __builtin_unreachable();
    }
  }
}
#else
typedef uint64_t (*H)(const Insn *d, uint64_t c, uint64_t budget);
static H tab[NOPS];
#define NEXT(d, c, b) __attribute__((musttail)) return tab[(d)->op](d, c, b)
static uint64_t h0(const Insn *d, uint64_t c, uint64_t b) {
  c++;
  if (--x[d->rs1] != 0 && c < b) { d += d->imm; NEXT(d, c, b); }
  cnt = c; return x[1];
}
#define HN(n) static uint64_t h##n(const Insn *d, uint64_t c, uint64_t b) { c++; x[d->rd] = (x[d->rs1] + (uint64_t)d->imm) ^ (x[d->rs2] << (n & 7)); d++; NEXT(d, c, b); }
#define H8(b) HN(b##0) HN(b##1) HN(b##2) HN(b##3) HN(b##4) HN(b##5) HN(b##6) HN(b##7)
HN(1) HN(2) HN(3) HN(4) HN(5) HN(6) HN(7)
H8(1) H8(2) H8(3) H8(4) H8(5) H8(6) H8(7)
__attribute__((noinline)) uint64_t run_tail(const Insn *d, uint64_t budget) {
  return tab[d->op](d, 0, budget);
}
#endif

uint32_t rng = 12345;
static uint32_t rnd(void) { rng = rng * 1103515245 + 12345; return rng >> 8; }

__attribute__((export_name("bench"))) double bench(int iters) {
#ifdef TAIL
  H all[NOPS] = { h0, h1, h2, h3, h4, h5, h6, h7,
    h10,h11,h12,h13,h14,h15,h16,h17, h20,h21,h22,h23,h24,h25,h26,h27, h30,h31,h32,h33,h34,h35,h36,h37,
    h40,h41,h42,h43,h44,h45,h46,h47, h50,h51,h52,h53,h54,h55,h56,h57, h60,h61,h62,h63,h64,h65,h66,h67,
    h70,h71,h72,h73,h74,h75,h76,h77 };
  for (int i = 0; i < NOPS; i++) tab[i] = all[i];
#endif
  /* a loop body of 200 random ALU ops then the back branch */
  int n = 200;
  for (int i = 0; i < n; i++) { prog[i].op = 1 + rnd() % 63; prog[i].rd = 2 + rnd() % 30; prog[i].rs1 = 2 + rnd() % 30; prog[i].rs2 = 2 + rnd() % 30; prog[i].imm = (int32_t)rnd(); }
  prog[n].op = 0; prog[n].rs1 = 1; prog[n].imm = -n;
  x[1] = iters;
#ifdef TAIL
  uint64_t r = run_tail(prog, ~0ULL);
#else
  uint64_t r = run_switch(prog, ~0ULL);
#endif
  return (double)cnt + (double)(r & 1);
}
