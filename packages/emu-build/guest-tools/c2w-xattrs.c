/*
 * c2w-xattrs DIR: every extended attribute under DIR (DIR itself included, symlinks not followed)
 * as binary records on stdout, for `c2w commit` (docs/decisions/0043-commit-keeps-xattrs.md).
 * busybox tar writes no xattrs and busybox getfattr cuts values at their first NUL, so the guest
 * needs this; freestanding (raw syscalls, no libc) so it is a few KiB and builds the same anywhere.
 *
 * Stream: "c2w-xattrs v1\n\0\0" (16 bytes), then per attribute u32le path length, u32le name length,
 * u32le value length, path (relative to DIR, no "./", "" for DIR), name, value; ended by a record
 * of three zero lengths, then zeros up to a 512-byte boundary (a tar may follow).
 * overlayfs' own trusted.overlay.* attributes are left out. Exit 1 on any error, with one line on stderr.
 */
#include "freestanding.h"

#if defined(__x86_64__)
enum { NR_write = 1, NR_close = 3, NR_fchdir = 81, NR_lgetxattr = 192, NR_llistxattr = 195, NR_getdents64 = 217, NR_exit_group = 231, NR_openat = 257 };
#else
enum { NR_lgetxattr = 9, NR_llistxattr = 12, NR_fchdir = 50, NR_openat = 56, NR_close = 57, NR_getdents64 = 61, NR_write = 64, NR_exit_group = 94 };
#endif

#define AT_FDCWD (-100)
#define O_DIRECTORY_NOFOLLOW_CLOEXEC (0200000 | 0400000 | 02000000) /* same values on both arches */
#define E_INTR 4
#define E_NODATA 61
#define E_NOTSUP 95
#define DT_UNKNOWN 0
#define DT_DIR 4

static void *memcpy_(char *d, const char *s, size_t n) { for (size_t i = 0; i < n; i++) d[i] = s[i]; return d; }
static size_t len_(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static char out[65536];
static size_t outLen, total;
static char list[65536];  /* XATTR_LIST_MAX */
static char value[65536]; /* XATTR_SIZE_MAX */
static char path[65536];  /* the relative path being visited */

static void die(const char *what, long err);

static void flush(void) {
  size_t done = 0;
  while (done < outLen) {
    long w = sys4(NR_write, 1, (long)(out + done), (long)(outLen - done), 0);
    if (w == -E_INTR) continue;
    if (w <= 0) { outLen = 0; die("write to stdout", w); }
    done += (size_t)w;
  }
  outLen = 0;
}

static void put(const char *p, size_t n) {
  total += n;
  while (n > 0) {
    size_t k = sizeof out - outLen < n ? sizeof out - outLen : n;
    memcpy_(out + outLen, p, k);
    outLen += k, p += k, n -= k;
    if (outLen == sizeof out) flush();
  }
}

static void putU32(size_t v) {
  char b[4] = { (char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24) };
  put(b, 4);
}

static void say(const char *s) { sys4(NR_write, 2, (long)s, (long)len_(s), 0); }

static void die(const char *what, long err) {
  char num[24];
  int i = sizeof num;
  unsigned long e = (unsigned long)-err;
  num[--i] = 0;
  do num[--i] = (char)('0' + e % 10); while ((e /= 10) && i > 0);
  flush();
  say("c2w-xattrs: "); say(what); say(" failed (errno "); say(num + i); say(") at ./"); say(path); say("\n");
  sys4(NR_exit_group, 1, 0, 0, 0);
  for (;;) {}
}

static int isOverlayOwn(const char *n) {
  const char *p = "trusted.overlay.";
  while (*p && *n == *p) n++, p++;
  return *p == 0;
}

/* the attributes of `name` (relative to the current directory), recorded under path[0..plen) */
static void dump(const char *name, size_t plen) {
  long n = sys4(NR_llistxattr, (long)name, (long)list, sizeof list, 0);
  if (n == -E_NOTSUP) return; /* a file system without xattrs has none to keep */
  if (n < 0) die("llistxattr", n);
  for (long at = 0; at < n;) {
    const char *x = list + at;
    size_t xl = len_(x);
    at += (long)xl + 1;
    if (xl == 0 || isOverlayOwn(x)) continue;
    long v = sys4(NR_lgetxattr, (long)name, (long)x, (long)value, sizeof value);
    if (v == -E_NODATA) continue; /* removed since it was listed */
    if (v < 0) die("lgetxattr", v);
    putU32(plen), putU32(xl), putU32((size_t)v);
    put(path, plen), put(x, xl), put(value, (size_t)v);
  }
}

struct dent { unsigned long ino; long off; unsigned short reclen; unsigned char type; char name[]; };

/* dir is open on path[0..plen) and is the current directory */
static void walk(int dir, size_t plen) {
  char buf[4096] __attribute__((aligned(8)));
  for (;;) {
    long n = sys4(NR_getdents64, dir, (long)buf, sizeof buf, 0);
    if (n < 0) die("getdents64", n);
    if (n == 0) return;
    for (long at = 0; at < n;) {
      struct dent *d = (struct dent *)(buf + at);
      at += d->reclen;
      const char *nm = d->name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      size_t nl = len_(nm), sep = plen > 0;
      if (plen + sep + nl >= sizeof path) die("a path longer than 64 KiB", 36);
      if (sep) path[plen] = '/';
      memcpy_(path + plen + sep, nm, nl + 1);
      size_t clen = plen + sep + nl;
      dump(nm, clen);
      if (d->type != DT_DIR && d->type != DT_UNKNOWN) continue;
      long fd = sys4(NR_openat, dir, (long)nm, O_DIRECTORY_NOFOLLOW_CLOEXEC, 0);
      if (fd < 0 && d->type == DT_UNKNOWN) continue; /* not a directory after all */
      if (fd < 0) die("open", fd);
      long r = sys4(NR_fchdir, fd, 0, 0, 0);
      if (r < 0) die("chdir", r);
      walk((int)fd, clen);
      sys4(NR_close, fd, 0, 0, 0);
      path[plen] = 0;
      r = sys4(NR_fchdir, dir, 0, 0, 0);
      if (r < 0) die("chdir back", r);
    }
  }
}

__attribute__((used)) void c_start(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  if (argc != 2) { say("usage: c2w-xattrs DIR\n"); sys4(NR_exit_group, 2, 0, 0, 0); }
  long fd = sys4(NR_openat, AT_FDCWD, (long)argv[1], O_DIRECTORY_NOFOLLOW_CLOEXEC & ~0400000, 0);
  if (fd < 0) die("open DIR", fd);
  long r = sys4(NR_fchdir, fd, 0, 0, 0);
  if (r < 0) die("chdir DIR", r);
  put("c2w-xattrs v1\n\0\0", 16);
  dump(".", 0);
  walk((int)fd, 0);
  putU32(0), putU32(0), putU32(0);
  static const char zeros[512];
  put(zeros, (512 - total % 512) % 512);
  flush();
  sys4(NR_exit_group, 0, 0, 0, 0);
  for (;;) {}
}
