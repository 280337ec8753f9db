/* c2w-x86-user: runs a static, non-PIE x86-64 Linux ELF on the x86-64 CPU in user mode, for the
 * instruction tests (packages/machine/test/x86_64): flat memory with virtual = physical, and the
 * few Linux system calls such a program makes: write, writev, exit, exit_group, brk, arch_prctl,
 * and the ones static glibc makes at start-up (set_tid_address, set_robust_list, mprotect);
 * every other call fails with ENOSYS.
 * ELF: System V gABI ch. 4-5; syscall ABI and the initial stack: System V AMD64 psABI 3.4, A.2.
 * usage: c2w-x86-user [--stats] [--strace] PROGRAM   exit status: the program's, 4 if the CPU faulted */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "x86.h"
#include "x86_mem.h"

#define MEM_SIZE (64ULL << 20) /* guest addresses 0 .. 64 MiB; ld puts non-PIE code at 4 MiB */
#define STACK_TOP (MEM_SIZE - 4096)
#define SLICE 1000000ULL /* x86_run returns this often: V8 tiers up only a function that returns (DESIGN.md 2) */

enum {
  SYS_WRITE = 1, SYS_MPROTECT = 10, SYS_BRK = 12, SYS_WRITEV = 20, SYS_EXIT = 60, SYS_ARCH_PRCTL = 158,
  SYS_SET_TID_ADDRESS = 218, SYS_EXIT_GROUP = 231, SYS_SET_ROBUST_LIST = 273,
};
#define ARCH_SET_FS 0x1002
#define ARCH_SET_GS 0x1001
#define LINUX_ENOSYS 38
#define LINUX_EFAULT 14
#define LINUX_EINVAL 22

static uint64_t rd(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

/* loads the PT_LOAD segments; returns the entry point, or 0 with a message */
static uint64_t load_elf(X86Cpu *c, const char *path, uint64_t *brk) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "c2w-x86-user: cannot open %s\n", path); return 0; }
  static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  uint8_t eh[64], ph[56];
  if (fread(eh, 1, 64, f) != 64 || memcmp(eh, magic, 4) || eh[4] != 2 || eh[5] != 1 ||
      rd(eh + 16, 2) != 2 /* ET_EXEC */ || rd(eh + 18, 2) != 62 /* EM_X86_64 */) {
    fprintf(stderr, "c2w-x86-user: %s is not a static non-PIE x86-64 ELF executable\n", path);
    fclose(f);
    return 0;
  }
  uint64_t phoff = rd(eh + 32, 8), phnum = rd(eh + 56, 2), phentsize = rd(eh + 54, 2), end = 0;
  for (uint64_t i = 0; i < phnum; i++) {
    if (fseek(f, (long)(phoff + i * phentsize), SEEK_SET) || fread(ph, 1, 56, f) != 56) goto bad;
    if (rd(ph, 4) != 1) continue; /* PT_LOAD */
    uint64_t off = rd(ph + 8, 8), va = rd(ph + 16, 8), filesz = rd(ph + 32, 8), memsz = rd(ph + 40, 8);
    uint8_t *dst = x86_ptr(c, va, memsz);
    if (!dst || filesz > memsz || va + memsz > STACK_TOP - (1 << 20)) {
      fprintf(stderr, "c2w-x86-user: %s: segment at 0x%llx does not fit in %llu MiB\n", path,
              (unsigned long long)va, (unsigned long long)(MEM_SIZE >> 20));
      fclose(f);
      return 0;
    }
    /* whole pages from the file, as Linux maps them: bytes around the segment in its first
     * page are the file's; after filesz zeros */
    uint64_t head = va & 4095;
    if (head > off || va - head < c->mem_base) goto bad;
    if (fseek(f, (long)(off - head), SEEK_SET) || fread(dst - head, 1, head + filesz, f) != head + filesz) goto bad;
    memset(dst + filesz, 0, memsz - filesz);
    if (va + memsz > end) end = va + memsz;
  }
  fclose(f);
  *brk = (end + 4095) & ~4095ULL;
  return rd(eh + 24, 8);
bad:
  fprintf(stderr, "c2w-x86-user: %s: truncated ELF file\n", path);
  fclose(f);
  return 0;
}

/* one system call; true when the program exits */
static bool strace;

static bool do_syscall(X86Cpu *c, uint64_t *brk, int *status) {
  uint64_t nr = c->r[R_RAX], a0 = c->r[R_RDI], a1 = c->r[R_RSI], a2 = c->r[R_RDX];
  int64_t ret;
  switch (nr) {
  case SYS_WRITE: {
    const uint8_t *p = x86_ptr(c, a1, a2);
    if (!p) { ret = -LINUX_EFAULT; break; }
    if (a0 != 1 && a0 != 2) { ret = -LINUX_EINVAL; break; }
    ret = (int64_t)fwrite(p, 1, a2, a0 == 1 ? stdout : stderr);
    break;
  }
  case SYS_WRITEV: { /* struct iovec { void *base; size_t len; } */
    ret = 0;
    for (uint64_t i = 0; i < a2 && ret >= 0; i++) {
      uint64_t iov[2];
      const uint8_t *v = x86_ptr(c, a1 + 16 * i, 16);
      if (!v) { ret = -LINUX_EFAULT; break; }
      memcpy(iov, v, 16);
      const uint8_t *p = x86_ptr(c, iov[0], iov[1]);
      if (!p) { ret = -LINUX_EFAULT; break; }
      if (a0 != 1 && a0 != 2) { ret = -LINUX_EINVAL; break; }
      ret += (int64_t)fwrite(p, 1, iov[1], a0 == 1 ? stdout : stderr);
    }
    break;
  }
  case SYS_MPROTECT: ret = 0; break; /* one flat, writable memory */
  case SYS_SET_TID_ADDRESS: ret = 1; break; /* the one thread's id */
  case SYS_SET_ROBUST_LIST: ret = 0; break;
  case SYS_BRK:
    if (a0 >= *brk && a0 < STACK_TOP - (1 << 20)) *brk = a0;
    ret = (int64_t)*brk;
    break;
  case SYS_ARCH_PRCTL:
    if (a0 == ARCH_SET_FS) { c->fs_base = a1; ret = 0; }
    else if (a0 == ARCH_SET_GS) { c->gs_base = a1; ret = 0; }
    else ret = -LINUX_EINVAL;
    break;
  case SYS_EXIT: case SYS_EXIT_GROUP:
    *status = (int)(a0 & 0xff);
    return true;
  default:
    ret = -LINUX_ENOSYS;
    break;
  }
  c->r[R_RAX] = (uint64_t)ret;
  if (strace)
    fprintf(stderr, "c2w-x86-user: syscall %llu (0x%llx, 0x%llx, 0x%llx) = %lld\n", (unsigned long long)nr,
            (unsigned long long)a0, (unsigned long long)a1, (unsigned long long)a2, (long long)ret);
  return false;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  bool stats = false;
  int ai = 1;
  for (; ai < argc - 1 && argv[ai][0] == '-'; ai++) {
    if (!strcmp(argv[ai], "--stats")) stats = true;
    else if (!strcmp(argv[ai], "--strace")) strace = true;
    else break;
  }
  if (ai != argc - 1) {
    fprintf(stderr, "usage: c2w-x86-user [--stats] [--strace] PROGRAM\n");
    return 2;
  }
  X86Cpu *c = x86_cpu_new();
  uint8_t *mem = c ? calloc(1, MEM_SIZE) : NULL;
  if (!mem) { fprintf(stderr, "c2w-x86-user: cannot allocate %llu MiB\n", (unsigned long long)(MEM_SIZE >> 20)); return 3; }
  x86_reset(c);
  c->mem = mem;
  c->mem_base = 0;
  c->mem_size = MEM_SIZE;
  if (!x86_code_init(c, MEM_SIZE)) { fprintf(stderr, "c2w-x86-user: out of memory\n"); return 3; }
  c->user_syscall = true;
  c->rflags = FLAG_FIXED1 | FLAG_IF; /* as Linux starts a process */
  uint64_t brk = 0, entry = load_elf(c, argv[ai], &brk);
  if (!entry) return 1;
  /* initial stack (psABI figure 3.9): argc, argv[0], NULL, envp NULL, auxv AT_NULL */
  uint64_t sp = STACK_TOP - 64, name = STACK_TOP - 32;
  memcpy(mem + name, "prog", 5);
  uint64_t words[6] = {1, name, 0, 0, 0, 0};
  memcpy(mem + sp, words, sizeof words);
  c->r[R_RSP] = sp;
  c->rip = entry;
  int status = 0;
  uint64_t t0 = now_ns();
  for (;;) {
    uint64_t n;
    int rc = x86_run(c, SLICE, &n);
    if (rc == X86_STOP_BUDGET) continue;
    if (rc == X86_STOP_SYSCALL) {
      if (do_syscall(c, &brk, &status)) break;
      continue;
    }
    fflush(stdout);
    const char *what = rc == EXC_UD ? "invalid opcode (#UD)" : rc == EXC_DE ? "divide error (#DE)" :
                       rc == EXC_GP ? "general protection (#GP)" : rc == EXC_PF ? "page fault (#PF)" :
                       rc == EXC_BP ? "breakpoint (#BP)" : rc == X86_STOP_HLT ? "HLT in user mode" : "exception";
    fprintf(stderr, "c2w-x86-user: %s at rip 0x%llx", what, (unsigned long long)c->rip);
    if (rc == EXC_PF) fprintf(stderr, " (address 0x%llx)", (unsigned long long)c->fault_addr);
    fprintf(stderr, " after %llu instructions\n", (unsigned long long)c->instret);
    status = 4;
    break;
  }
  fflush(stdout);
  if (stats) {
    double s = (double)(now_ns() - t0) / 1e9;
    fprintf(stderr, "c2w-x86-user: %llu instructions in %.3f s = %.1f MIPS\n",
            (unsigned long long)c->instret, s, s > 0 ? (double)c->instret / s / 1e6 : 0.0);
  }
  free(mem);
  x86_cpu_free(c);
  return status;
}
