/* x86-64 CPU: CPUID, RDTSC, SYSCALL and the MSRs (SDM vol. 2 CPUID, RDTSC, SYSCALL, RDMSR;
 * vol. 3 5.8.8; vol. 4 table 2-2).
 * CPUID advertises exactly what this CPU implements: glibc and Linux choose their code paths by
 * it, so a bit set here for something missing would send them into #UD. */
#include <string.h>
#include <unistd.h> /* getentropy (glibc, wasi-libc: random_get) */
#include "x86.h"
#include "x86_ops.h"

/* leaf 1 EDX/ECX and leaf 0x80000001 EDX/ECX bits (SDM vol. 2 tables 3-10, 3-11) */
#define CPUID_1_EDX_FPU (1u << 0)
#define CPUID_1_EDX_PSE (1u << 3)
#define CPUID_1_EDX_TSC (1u << 4)
#define CPUID_1_EDX_MSR (1u << 5)
#define CPUID_1_EDX_PAE (1u << 6)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_EDX_PGE (1u << 13)
#define CPUID_1_EDX_PAT (1u << 16)
#define CPUID_1_EDX_CX8 (1u << 8)
#define CPUID_1_EDX_CMOV (1u << 15)
#define CPUID_1_EDX_CLFSH (1u << 19)
#define CPUID_1_EDX_MMX (1u << 23)
#define CPUID_1_EDX_FXSR (1u << 24)
#define CPUID_1_EDX_SSE (1u << 25)
#define CPUID_1_EDX_SSE2 (1u << 26)
#define CPUID_1_ECX_SSE3 (1u << 0) /* MONITOR (bit 3) stays 0: MONITOR/MWAIT are #UD */
#define CPUID_1_ECX_CX16 (1u << 13)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_7_EBX_RDSEED (1u << 18)
#define CPUID_7_EDX_ARCH_CAPABILITIES (1u << 29)
/* IA32_ARCH_CAPABILITIES (MSR 0x10a, SDM vol. 4 table 2-2): every "not affected" bit, all true of an
 * interpreter, which never speculates (no Meltdown/MDS/SSB/TAA/MMIO/GDS/RFDS/ITS); none of the
 * feature or "affected" bits (IBRS_ALL, RSBA, TSX_CTRL, FB_CLEAR, RFDS_CLEAR). Linux 6.1's
 * cpu_set_bug_bits reads it; Spectre v1/v2 and SWAPGS have no such bit (only a family/model list). */
#define ARCH_CAP_NOT_AFFECTED                                                                         \
  ((1ULL << 0) /* RDCL_NO */ | (1ULL << 4) /* SSB_NO */ | (1ULL << 5) /* MDS_NO */ |                 \
   (1ULL << 6) /* PSCHANGE_MC_NO */ | (1ULL << 8) /* TAA_NO */ | (1ULL << 13) /* SBDR_SSDP_NO */ |   \
   (1ULL << 14) /* FBSDP_NO */ | (1ULL << 15) /* PSDP_NO */ | (1ULL << 20) /* BHI_NO */ |             \
   (1ULL << 24) /* PBRSB_NO */ | (1ULL << 26) /* GDS_NO */ | (1ULL << 27) /* RFDS_NO */ |             \
   (1ULL << 62) /* ITS_NO */)
#define CPUID_81_ECX_LAHF (1u << 0)
#define CPUID_81_EDX_SYSCALL (1u << 11)
#define CPUID_81_EDX_NX (1u << 20)
#define CPUID_81_EDX_PDPE1GB (1u << 26)
#define CPUID_81_EDX_LM (1u << 29)

static uint32_t str4(const char *s) {
  return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
         (uint32_t)(uint8_t)s[3] << 24;
}

void x86_cpuid(X86Cpu *c) {
  uint32_t leaf = (uint32_t)c->r[R_RAX], a = 0, b = 0, cx = 0, dx = 0;
  static const char brand[48] = "c2w x86-64 interpreter";
  switch (leaf) {
  case 0: /* highest basic leaf (0x16 on a board: the TSC frequency leaves), vendor */
    a = c->system ? 0x16 : 1; b = str4("Genu"); dx = str4("ineI"); cx = str4("ntel");
    break;
  case 1: /* family 6 model 15 stepping 1; 64-byte CLFLUSH line; one logical processor */
    a = (6 << 8) | (15 << 4) | 1;
    b = (8 << 8) | (1 << 16);
    dx = CPUID_1_EDX_FPU | CPUID_1_EDX_TSC | CPUID_1_EDX_CX8 | CPUID_1_EDX_CMOV | CPUID_1_EDX_CLFSH |
         CPUID_1_EDX_MMX | CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2 |
         /* the system half (x86_mmu.c, x86_sys.c): PSE = the PS bit of 4-level paging */
         CPUID_1_EDX_PSE | CPUID_1_EDX_MSR | CPUID_1_EDX_PAE | CPUID_1_EDX_PGE | CPUID_1_EDX_PAT |
         (c->has_apic ? CPUID_1_EDX_APIC : 0);
    cx = CPUID_1_ECX_SSE3 | CPUID_1_ECX_CX16 | CPUID_1_ECX_RDRAND | (c->has_apic ? CPUID_1_ECX_TSC_DEADLINE : 0);
    break;
  case 7: /* structured extended features, subleaf 0 only: on a board, IA32_ARCH_CAPABILITIES */
    if ((uint32_t)c->r[R_RCX] == 0) b = CPUID_7_EBX_RDSEED;
    if (c->system && (uint32_t)c->r[R_RCX] == 0) dx = CPUID_7_EDX_ARCH_CAPABILITIES;
    break;
  case 0x15: /* TSC = crystal * ebx / eax: Linux takes its frequency from here (no calibration) */
    if (c->system) { a = 1; b = 1; cx = (uint32_t)X86_TSC_HZ; }
    break;
  case 0x16: if (c->system) { a = (uint32_t)(X86_TSC_HZ / 1000000); b = a; } break; /* base and max MHz */
  case 0x80000000: a = 0x80000008; break;
  case 0x80000001:
    cx = CPUID_81_ECX_LAHF;
    dx = CPUID_81_EDX_SYSCALL | CPUID_81_EDX_NX | CPUID_81_EDX_PDPE1GB | CPUID_81_EDX_LM;
    break;
  case 0x80000008: a = 40 | (48 << 8); break; /* physical and linear address bits */
  case 0x80000002: case 0x80000003: case 0x80000004: {
    const char *p = brand + (leaf - 0x80000002) * 16;
    a = str4(p); b = str4(p + 4); cx = str4(p + 8); dx = str4(p + 12);
    break;
  }
  default: break; /* unknown leaves read as zeros */
  }
  c->r[R_RAX] = a; c->r[R_RBX] = b; c->r[R_RCX] = cx; c->r[R_RDX] = dx;
}

/* the time stamp counts retired instructions plus the board's tsc_offset (skipped idle time, or
 * the host clock on the microvm board: ADR 0050), and never returns the same value twice */
uint64_t x86_rdtsc(X86Cpu *c) {
  if (c->bus.tsc_sync) c->bus.tsc_sync(c->bus.ctx);
  uint64_t t = c->instret + c->tsc_offset;
  c->tsc_offset++;
  return t;
}

/* SYSCALL: rCX = return address, r11 = RFLAGS, RFLAGS &= ~FMASK, rip = LSTAR. The user-mode
 * runner takes the call itself instead (c->user_syscall). */
/* RDRAND and RDSEED: never fail (CF=1, the other arithmetic flags 0). Linux with random.trust_cpu=on
 * seeds its pool from them at boot, so a first getrandom() need not wait for jitter entropy. */
int x86_rdrand(X86Cpu *c, const X86Insn *d, int size) {
  uint64_t v = 0;
  if (c->rng_fixed) {
    uint64_t x = c->rng_fixed;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    v = c->rng_fixed = x;
  } else {
    if (c->rng_left < size) {
      if (getentropy(c->rng_buf, sizeof c->rng_buf) != 0) { /* no host source: CF=0, "retry" */
        x86_set_reg(c, d, d->rm, size, 0);
        c->rflags &= ~(uint64_t)FLAGS_ARITH;
        c->cc_op = CC_NONE;
        return 0;
      }
      c->rng_left = sizeof c->rng_buf;
    }
    c->rng_left = (uint8_t)(c->rng_left - size);
    memcpy(&v, c->rng_buf + c->rng_left, (size_t)size);
  }
  x86_set_reg(c, d, d->rm, size, v);
  c->rflags = (c->rflags & ~(uint64_t)FLAGS_ARITH) | FLAG_CF;
  c->cc_op = CC_NONE;
  return 0;
}

int x86_syscall(X86Cpu *c, uint64_t next_rip) {
  if (!c->user_syscall && !(c->efer & EFER_SCE)) return EXC_UD;
  if (c->system) return x86_syscall_kernel(c, next_rip);
  x86_flags_sync(c);
  c->r[R_RCX] = next_rip;
  c->r[R_R11] = c->rflags & ~0x10000ULL;
  c->rip = next_rip;
  if (c->user_syscall) return X86_STOP_SYSCALL;
  c->rflags = (c->rflags & ~c->fmask) | FLAG_FIXED1;
  c->rip = c->lstar;
  return X86_OK;
}

static bool canonical(uint64_t v) { return (uint64_t)((int64_t)(v << 16) >> 16) == v; }

/* the MSRs Linux reads and writes; any other raises #GP as on hardware (Linux probes the
 * optional ones with rdmsr_safe/wrmsr_safe) */
int x86_rdmsr(X86Cpu *c, uint32_t msr, uint64_t *v) {
  switch (msr) {
  case 0x10: *v = x86_rdtsc(c); return 0;                          /* IA32_TIME_STAMP_COUNTER */
  case 0x1b: if (!c->has_apic) break; *v = c->apic_base; return 0; /* IA32_APIC_BASE */
  case 0x6e0: if (!c->has_apic) break; *v = c->tsc_deadline; return 0; /* IA32_TSC_DEADLINE */
  case 0x8b: *v = 0; return 0;                                     /* IA32_BIOS_SIGN_ID: no microcode */
  case 0x10a: if (!c->system) break; *v = ARCH_CAP_NOT_AFFECTED; return 0; /* IA32_ARCH_CAPABILITIES */
  case 0xfe: *v = 0; return 0;                                     /* IA32_MTRRCAP: no MTRRs */
  case 0x1a0: *v = c->misc_enable; return 0;                       /* IA32_MISC_ENABLE */
  case 0x277: *v = c->pat; return 0;                               /* IA32_PAT */
  case 0x2ff: *v = c->mtrr_def_type; return 0;                     /* IA32_MTRR_DEF_TYPE */
  case MSR_EFER: *v = c->efer; return 0;
  case MSR_STAR: *v = c->star; return 0;
  case MSR_LSTAR: *v = c->lstar; return 0;
  case MSR_CSTAR: *v = c->cstar; return 0;
  case MSR_FMASK: *v = c->fmask; return 0;
  case MSR_FS_BASE: *v = c->fs_base; return 0;
  case MSR_GS_BASE: *v = c->gs_base; return 0;
  case MSR_KERNEL_GS_BASE: *v = c->kernel_gs_base; return 0;
  }
  c->exc_err = 0;
  return EXC_GP;
}

int x86_wrmsr(X86Cpu *c, uint32_t msr, uint64_t v) {
  switch (msr) {
  case 0x10: c->tsc_offset = v - c->instret; return 0;
  case 0x1b:
    if (!c->has_apic || (v & ~0xfffffffff900ULL & ~0x400ULL)) break;
    c->apic_base = v;
    return 0;
  case 0x8b: return 0;
  case 0x6e0:
    if (!c->has_apic) break;
    c->tsc_deadline = v;
    x86_request_stop(c); /* the board bounds its slice by the new deadline */
    return 0;
  case 0x1a0: c->misc_enable = v; return 0;
  case 0x277:
    for (int i = 0; i < 8; i++) {
      unsigned t = (v >> (8 * i)) & 0xff;
      if (t == 2 || t == 3 || t > 7) goto gp; /* reserved memory types */
    }
    c->pat = v;
    return 0;
  case 0x2ff: if (v & ~0xcffULL) break; c->mtrr_def_type = v; return 0;
  case MSR_EFER: {
    uint64_t allowed = EFER_SCE | EFER_LME | EFER_NXE;
    if (v & ~(allowed | EFER_LMA)) break;
    if ((c->cr0 & CR0_PG) && ((v ^ c->efer) & EFER_LME)) break; /* LME changes only with paging off */
    uint64_t old = c->efer;
    c->efer = (v & allowed) | (c->efer & EFER_LMA);
    if ((old ^ c->efer) & EFER_NXE) x86_tlb_flush(c, false);
    return 0;
  }
  case MSR_STAR: c->star = v; return 0;
  case MSR_LSTAR: if (!canonical(v)) break; c->lstar = v; return 0;
  case MSR_CSTAR: if (!canonical(v)) break; c->cstar = v; return 0;
  case MSR_FMASK: c->fmask = (uint32_t)v; return 0;
  case MSR_FS_BASE: if (!canonical(v)) break; c->fs_base = v; return 0;
  case MSR_GS_BASE: if (!canonical(v)) break; c->gs_base = v; return 0;
  case MSR_KERNEL_GS_BASE: if (!canonical(v)) break; c->kernel_gs_base = v; return 0;
  }
gp:
  c->exc_err = 0;
  return EXC_GP;
}
