/* Code that a device rewrites (ADR 0055): a function in an executable buffer is called until the
 * CPU has decoded it, then a virtio-blk read with O_DIRECT (the device writes the buffer's frame
 * itself, by DMA, no CPU store) puts other code there, which the next call must run. Static, no
 * libc, for the x86_64 board's Linux (x86_64-machine.test.ts). Prints "DMA-SMC <first> <second>". */
typedef unsigned long u64;

static long sys(long nr, long a, long b, long c, long d, long e, long f) {
  long r;
  register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}
enum { SYS_WRITE = 1, SYS_OPEN = 2, SYS_MMAP = 9, SYS_PREAD = 17, SYS_EXIT_GROUP = 231 };

static void out(const char *s) { long n = 0; while (s[n]) n++; sys(SYS_WRITE, 1, (long)s, n, 0, 0, 0); }
static void hex(u64 v) {
  char b[18] = " ";
  for (int i = 0; i < 8; i++) b[1 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[9] = 0;
  out(b);
}
static void fail(const char *what) { out("DMA-SMC FAILED "); out(what); out("\n"); sys(SYS_EXIT_GROUP, 1, 0, 0, 0, 0, 0); }

void _start(void) {
  /* PROT_READ|WRITE|EXEC, MAP_PRIVATE|MAP_ANONYMOUS: page aligned, as O_DIRECT needs */
  unsigned char *code = (unsigned char *)sys(SYS_MMAP, 0, 4096, 7, 0x22, -1, 0);
  if ((long)code < 0) fail("mmap");
  /* nop x4 ; mov $0x11111111, %eax ; ret. The nops first: the first instruction after a system
   * call may be fetched the slow way (a TLB flushed by the kernel's CR3 switch), which compares
   * bytes; the mov after it comes from the decoded block */
  const unsigned char first[] = {0x90, 0x90, 0x90, 0x90, 0xb8, 0x11, 0x11, 0x11, 0x11, 0xc3};
  for (int i = 0; i < 10; i++) code[i] = first[i];
  unsigned (*fn)(void) = (unsigned (*)(void))code;
  unsigned a = 0;
  for (int i = 0; i < 3; i++) a = fn(); /* the later calls run the decoded copy */
  long fd = sys(SYS_OPEN, (long)"/dev/vda", 040000 /* O_RDONLY | O_DIRECT */, 0, 0, 0, 0);
  if (fd < 0) fail("open /dev/vda");
  if (sys(SYS_PREAD, fd, (long)code, 4096, 4096, 0, 0) != 4096) fail("pread");
  unsigned b = fn();
  out("DMA-SMC");
  hex(a);
  hex(b);
  out("\n");
  sys(SYS_EXIT_GROUP, 0, 0, 0, 0, 0, 0);
}
