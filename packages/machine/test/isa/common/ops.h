/* Inline-assembly wrappers that run one exact instruction on given operands. */
#ifndef ISA_OPS_H
#define ISA_OPS_H
#include "test.h"

#define RR(op, a, b) ({ u64 _r; asm volatile(op " %0, %1, %2" : "=r"(_r) : "r"((u64)(a)), "r"((u64)(b))); _r; })
#define RI(op, a, imm) ({ u64 _r; asm volatile(op " %0, %1, %2" : "=r"(_r) : "r"((u64)(a)), "i"(imm)); _r; })
#define R1(op, a) ({ u64 _r; asm volatile(op " %0, %1" : "=r"(_r) : "r"((u64)(a))); _r; })
/* branch: 1 if taken */
#define BR(op, a, b) ({ u64 _t; asm volatile(op " %1, %2, 1f\n\tli %0, 0\n\tj 2f\n1:\tli %0, 1\n2:" \
                                             : "=&r"(_t) : "r"((u64)(a)), "r"((u64)(b))); _t; })
#define LOAD(op, ptr, off) ({ u64 _r; asm volatile(op " %0, %2(%1)" : "=r"(_r) : "r"(ptr), "i"(off) : "memory"); _r; })
#define STORE(op, ptr, off, v) asm volatile(op " %0, %2(%1)" :: "r"((u64)(v)), "r"(ptr), "i"(off) : "memory")

#endif
