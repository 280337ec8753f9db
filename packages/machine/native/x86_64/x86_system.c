/* x86-64 CPU: CPUID, RDTSC and SYSCALL (SDM vol. 2 CPUID, RDTSC, SYSCALL; vol. 3 5.8.8).
 * CPUID advertises exactly what this CPU implements: glibc and Linux choose their code paths by
 * it, so a bit set here for something missing would send them into #UD. */
#include "x86.h"

/* leaf 1 EDX/ECX and leaf 0x80000001 EDX/ECX bits (SDM vol. 2 tables 3-10, 3-11) */
#define CPUID_1_EDX_FPU (1u << 0)
#define CPUID_1_EDX_TSC (1u << 4)
#define CPUID_1_EDX_CX8 (1u << 8)
#define CPUID_1_EDX_CMOV (1u << 15)
#define CPUID_1_EDX_CLFSH (1u << 19)
#define CPUID_1_EDX_MMX (1u << 23)
#define CPUID_1_EDX_FXSR (1u << 24)
#define CPUID_1_EDX_SSE (1u << 25)
#define CPUID_1_EDX_SSE2 (1u << 26)
#define CPUID_1_ECX_CX16 (1u << 13)
#define CPUID_81_ECX_LAHF (1u << 0)
#define CPUID_81_EDX_SYSCALL (1u << 11)
#define CPUID_81_EDX_LM (1u << 29)

static uint32_t str4(const char *s) {
  return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
         (uint32_t)(uint8_t)s[3] << 24;
}

void x86_cpuid(X86Cpu *c) {
  uint32_t leaf = (uint32_t)c->r[R_RAX], a = 0, b = 0, cx = 0, dx = 0;
  static const char brand[48] = "c2w x86-64 interpreter";
  switch (leaf) {
  case 0: /* highest basic leaf, vendor */
    a = 1; b = str4("Genu"); dx = str4("ineI"); cx = str4("ntel");
    break;
  case 1: /* family 6 model 15 stepping 1; 64-byte CLFLUSH line; one logical processor */
    a = (6 << 8) | (15 << 4) | 1;
    b = (8 << 8) | (1 << 16);
    dx = CPUID_1_EDX_FPU | CPUID_1_EDX_TSC | CPUID_1_EDX_CX8 | CPUID_1_EDX_CMOV | CPUID_1_EDX_CLFSH |
         CPUID_1_EDX_MMX | CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2;
    cx = CPUID_1_ECX_CX16;
    break;
  case 0x80000000: a = 0x80000004; break;
  case 0x80000001: cx = CPUID_81_ECX_LAHF; dx = CPUID_81_EDX_SYSCALL | CPUID_81_EDX_LM; break;
  case 0x80000002: case 0x80000003: case 0x80000004: {
    const char *p = brand + (leaf - 0x80000002) * 16;
    a = str4(p); b = str4(p + 4); cx = str4(p + 8); dx = str4(p + 12);
    break;
  }
  default: break; /* unknown leaves read as zeros */
  }
  c->r[R_RAX] = a; c->r[R_RBX] = b; c->r[R_RCX] = cx; c->r[R_RDX] = dx;
}

/* the time stamp counts retired instructions (deterministic, like --icount on RV64), and never
 * returns the same value twice */
uint64_t x86_rdtsc(X86Cpu *c) {
  uint64_t t = c->instret + c->tsc_offset;
  c->tsc_offset++;
  return t;
}

/* SYSCALL: rCX = return address, r11 = RFLAGS, RFLAGS &= ~FMASK, rip = LSTAR. The user-mode
 * runner takes the call itself instead (c->user_syscall). */
int x86_syscall(X86Cpu *c, uint64_t next_rip) {
  if (!c->user_syscall && !(c->efer & EFER_SCE)) return EXC_UD;
  x86_flags_sync(c);
  c->r[R_RCX] = next_rip;
  c->r[R_R11] = c->rflags & ~0x10000ULL;
  c->rip = next_rip;
  if (c->user_syscall) return X86_STOP_SYSCALL;
  c->rflags = (c->rflags & ~c->fmask) | FLAG_FIXED1;
  c->rip = c->lstar;
  return X86_OK;
}
