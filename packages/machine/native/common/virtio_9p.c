/* virtio-9p (virtio 1.1 section 5.11 "9P transport", device ID 9): shares a host directory with
 * the guest through a 9P2000.L server (Linux Documentation/filesystems/9p.rst; message layouts
 * from Linux include/net/9p/9p.h and net/9p/client.c). One request queue, requests handled
 * synchronously when the guest notifies. Only POSIX *at calls that wasi-libc provides are used,
 * relative to the share's root directory descriptor. The server walks names, never host
 * symlinks: every intermediate element of a walk must be a real directory (lstat), opens use
 * O_NOFOLLOW, and ".." at the root stays at the root, so no path leaves the share. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "virtio.h"

#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_9P_MOUNT_TAG (1ULL << 0)
#define P9_MSIZE_MAX (512u * 1024u)
#define P9_MAX_FIDS 4096 /* Linux allocates the lowest free fid number: the table is indexed by it */
#define P9_PATH_MAX 4096
#define P9_NOFID 0xffffffffu

/* Linux errno values (the guest's), independent of the host libc's numbering (wasi differs) */
enum { L_EPERM = 1, L_ENOENT = 2, L_EIO = 5, L_EBADF = 9, L_ENOMEM = 12, L_EACCES = 13, L_EEXIST = 17,
       L_EXDEV = 18, L_ENOTDIR = 20, L_EISDIR = 21, L_EINVAL = 22, L_ENFILE = 23, L_EMFILE = 24, L_EFBIG = 27,
       L_ENOSPC = 28, L_ESPIPE = 29, L_EROFS = 30, L_EMLINK = 31, L_ERANGE = 34, L_ENAMETOOLONG = 36,
       L_ENOSYS = 38, L_ENOTEMPTY = 39, L_ELOOP = 40, L_EOPNOTSUPP = 95, L_EPROTO = 71, L_EBUSY = 16,
       L_ETXTBSY = 26, L_EAGAIN = 11, L_EINTR = 4, L_ENXIO = 6, L_EOVERFLOW = 75, L_EDQUOT = 122 };

static uint32_t linux_errno(int e) {
  switch (e) {
  case EPERM: return L_EPERM; case ENOENT: return L_ENOENT; case EIO: return L_EIO; case EBADF: return L_EBADF;
  case ENOMEM: return L_ENOMEM; case EACCES: return L_EACCES; case EEXIST: return L_EEXIST; case EXDEV: return L_EXDEV;
  case ENOTDIR: return L_ENOTDIR; case EISDIR: return L_EISDIR; case EINVAL: return L_EINVAL; case ENFILE: return L_ENFILE;
  case EMFILE: return L_EMFILE; case EFBIG: return L_EFBIG; case ENOSPC: return L_ENOSPC; case ESPIPE: return L_ESPIPE;
  case EROFS: return L_EROFS; case EMLINK: return L_EMLINK; case ERANGE: return L_ERANGE;
  case ENAMETOOLONG: return L_ENAMETOOLONG; case ENOSYS: return L_ENOSYS; case ENOTEMPTY: return L_ENOTEMPTY;
  case ELOOP: return L_ELOOP; case EBUSY: return L_EBUSY; case ETXTBSY: return L_ETXTBSY; case EAGAIN: return L_EAGAIN;
  case EINTR: return L_EINTR; case ENXIO: return L_ENXIO; case EOVERFLOW: return L_EOVERFLOW; case EDQUOT: return L_EDQUOT;
#if defined(ENOTSUP) && defined(EOPNOTSUPP) && ENOTSUP != EOPNOTSUPP
  case ENOTSUP: return L_EOPNOTSUPP;
#endif
  case EOPNOTSUPP: return L_EOPNOTSUPP;
  default: return L_EIO;
  }
}

typedef struct P9Fid {
  char *path;      /* relative to the share root, "" is the root; NULL = free */
  int fd;          /* open file (Tlopen/Tlcreate) or -1 */
  DIR *dir;        /* directory stream of an opened directory */
  uint64_t dir_pos; /* readdir offset of the next entry of dir (entry index + 1 based cookies) */
  uint8_t qtype;
} P9Fid;

typedef struct P9State {
  int root;        /* directory descriptor of the share */
  bool readonly;
  uint32_t uid, gid; /* reported owner of every file */
  char *tag;
  uint32_t msize;
  uint8_t *req, *rep; /* P9_MSIZE_MAX each */
  P9Fid *fids;     /* P9_MAX_FIDS */
} P9State;

/* ---- message buffers ---- */
typedef struct Buf { uint8_t *p; uint32_t len, pos; bool bad; } Buf;

static uint8_t g8(Buf *b) { if (b->pos + 1 > b->len) { b->bad = true; return 0; } return b->p[b->pos++]; }
static uint16_t g16(Buf *b) { uint16_t v = g8(b); return (uint16_t)(v | (uint16_t)g8(b) << 8); }
static uint32_t g32(Buf *b) { uint32_t v = g16(b); return v | (uint32_t)g16(b) << 16; }
static uint64_t g64(Buf *b) { uint64_t v = g32(b); return v | (uint64_t)g32(b) << 32; }
/* a string as a NUL-terminated copy in out (at most cap - 1 bytes), NULs inside rejected */
static bool gstr(Buf *b, char *out, size_t cap) {
  uint16_t n = g16(b);
  if (b->bad || b->pos + n > b->len || n >= cap || memchr(b->p + b->pos, 0, n)) { b->bad = true; return false; }
  memcpy(out, b->p + b->pos, n);
  out[n] = 0;
  b->pos += n;
  return true;
}
static void p8(Buf *b, uint8_t v) { if (b->pos + 1 > b->len) { b->bad = true; return; } b->p[b->pos++] = v; }
static void p16(Buf *b, uint16_t v) { p8(b, (uint8_t)v); p8(b, (uint8_t)(v >> 8)); }
static void p32(Buf *b, uint32_t v) { p16(b, (uint16_t)v); p16(b, (uint16_t)(v >> 16)); }
static void p64(Buf *b, uint64_t v) { p32(b, (uint32_t)v); p32(b, (uint32_t)(v >> 32)); }
static void pstr(Buf *b, const char *s) {
  size_t n = strlen(s);
  if (n > 0xffff || b->pos + 2 + n > b->len) { b->bad = true; return; }
  p16(b, (uint16_t)n);
  memcpy(b->p + b->pos, s, n);
  b->pos += (uint32_t)n;
}

/* ---- host file attributes ---- */
#define QT_DIR 0x80
#define QT_SYMLINK 0x02
static uint8_t qtype_of(mode_t m) { return S_ISDIR(m) ? QT_DIR : S_ISLNK(m) ? QT_SYMLINK : 0; }
static void pqid(Buf *b, const struct stat *st) {
  p8(b, qtype_of(st->st_mode));
  p32(b, (uint32_t)st->st_mtim.tv_sec ^ (uint32_t)st->st_size); /* version: changes with content */
  p64(b, (uint64_t)st->st_ino);
}
/* Linux mode bits: file type from the host; permissions from the host when it has them (WASI
 * reports none: then 0755 for directories, 0777 for symlinks, 0644 for everything else). */
static uint32_t linux_mode(const struct stat *st) {
  uint32_t type = S_ISDIR(st->st_mode) ? 0040000 : S_ISLNK(st->st_mode) ? 0120000 : S_ISCHR(st->st_mode) ? 0020000
                : S_ISBLK(st->st_mode) ? 0060000 : S_ISFIFO(st->st_mode) ? 0010000 : S_ISSOCK(st->st_mode) ? 0140000 : 0100000;
  uint32_t perm = (uint32_t)st->st_mode & 07777;
  if (!perm) perm = S_ISDIR(st->st_mode) ? 0755 : S_ISLNK(st->st_mode) ? 0777 : 0644;
  return type | perm;
}

/* path of a fid for *at calls: "." for the root */
static const char *hp(const char *path) { return *path ? path : "."; }

static int lstat_rel(P9State *s, const char *path, struct stat *st) {
  return fstatat(s->root, hp(path), st, AT_SYMLINK_NOFOLLOW);
}

/* dir + "/" + name into out; ".." handled by the walk, names with '/' rejected */
static int join(char *out, const char *dir, const char *name) {
  if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) return L_EINVAL;
  int n = *dir ? snprintf(out, P9_PATH_MAX, "%s/%s", dir, name) : snprintf(out, P9_PATH_MAX, "%s", name);
  return n < 0 || n >= P9_PATH_MAX ? L_ENAMETOOLONG : 0;
}

/* ---- fids ---- */
static P9Fid *fid_get(P9State *s, uint32_t fid) {
  if (fid >= P9_MAX_FIDS || !s->fids[fid].path) return NULL;
  return &s->fids[fid];
}
static void fid_close(P9Fid *f) {
  if (f->dir) closedir(f->dir);
  else if (f->fd >= 0) close(f->fd);
  f->dir = NULL;
  f->fd = -1;
  f->dir_pos = 0;
}
static void fid_free(P9Fid *f) {
  fid_close(f);
  free(f->path);
  f->path = NULL;
}
/* sets fid to path (replacing what it had); returns 0 or a Linux errno */
static int fid_set(P9State *s, uint32_t fid, const char *path, uint8_t qtype) {
  if (fid >= P9_MAX_FIDS) return L_EMFILE;
  char *p = strdup(path);
  if (!p) return L_ENOMEM;
  P9Fid *f = &s->fids[fid];
  if (f->path) fid_free(f);
  f->path = p;
  f->fd = -1;
  f->dir = NULL;
  f->dir_pos = 0;
  f->qtype = qtype;
  return 0;
}
static void fids_reset(P9State *s) {
  for (int i = 0; i < P9_MAX_FIDS; i++) if (s->fids[i].path) fid_free(&s->fids[i]);
}
/* after a rename, fids below the old path name the new one */
static void fids_renamed(P9State *s, const char *from, const char *to) {
  size_t n = strlen(from);
  for (int i = 0; i < P9_MAX_FIDS; i++) {
    P9Fid *f = &s->fids[i];
    if (!f->path || strncmp(f->path, from, n) || (f->path[n] && f->path[n] != '/')) continue;
    size_t len = strlen(to) + strlen(f->path + n) + 1;
    char *p = malloc(len);
    if (!p) continue;
    snprintf(p, len, "%s%s", to, f->path + n);
    free(f->path);
    f->path = p;
  }
}

/* Linux open flags (P9_DOTL_*, the generic Linux values) to host flags */
static int host_open_flags(uint32_t l) {
  int acc = (l & 3) == 1 ? O_WRONLY : (l & 3) == 2 ? O_RDWR : O_RDONLY;
  int f = acc | O_NOFOLLOW;
  if (l & 0100) f |= O_CREAT;
  if (l & 0200) f |= O_EXCL;
  if (l & 01000) f |= O_TRUNC;
  if (l & 02000) f |= O_APPEND;
  if (l & 0200000) f |= O_DIRECTORY;
  return f;
}
static bool writes(uint32_t l) { return (l & 3) != 0 || (l & (0100 | 01000 | 02000)); }

/* ---- request handlers: each fills the reply body after the header, returns 0 or a Linux errno ---- */
enum {
  Tlerror = 6, Rlerror = 7, Tstatfs = 8, Tlopen = 12, Tlcreate = 14, Tsymlink = 16, Tmknod = 18, Trename = 20,
  Treadlink = 22, Tgetattr = 24, Tsetattr = 26, Txattrwalk = 30, Txattrcreate = 32, Treaddir = 40, Tfsync = 50,
  Tlock = 52, Tgetlock = 54, Tlink = 70, Tmkdir = 72, Trenameat = 74, Tunlinkat = 76, Tversion = 100, Tauth = 102,
  Tattach = 104, Tflush = 108, Twalk = 110, Tread = 116, Twrite = 118, Tclunk = 120, Tremove = 122,
};

static int do_attach(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  struct stat st;
  if (in->bad) return L_EPROTO;
  if (fstat(s->root, &st)) return linux_errno(errno);
  int e = fid_set(s, fid, "", QT_DIR);
  if (e) return e;
  pqid(out, &st);
  return 0;
}

static int do_walk(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in), newfid = g32(in);
  uint16_t n = g16(in);
  if (in->bad || n > 16) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  if (newfid != fid && fid_get(s, newfid)) return L_EBADF;
  char cur[P9_PATH_MAX], next[P9_PATH_MAX], name[256];
  snprintf(cur, sizeof cur, "%s", f->path);
  uint8_t qtype = f->qtype;
  uint32_t nq_pos = out->pos;
  p16(out, 0);
  uint16_t done = 0;
  for (; done < n; done++) {
    if (!gstr(in, name, sizeof name)) return done ? 0 : L_EPROTO;
    if (!(qtype & QT_DIR)) { if (!done) return L_ENOTDIR; break; }
    if (!strcmp(name, "..")) {
      char *slash = strrchr(cur, '/');
      if (slash) *slash = 0; else cur[0] = 0; /* at the root ".." is the root */
      snprintf(next, sizeof next, "%s", cur);
    } else if (!strcmp(name, ".")) {
      snprintf(next, sizeof next, "%s", cur);
    } else {
      int e = join(next, cur, name);
      if (e) { if (!done) return e; break; }
    }
    struct stat st;
    if (lstat_rel(s, next, &st)) { if (!done) return linux_errno(errno); break; }
    pqid(out, &st);
    qtype = qtype_of(st.st_mode);
    memcpy(cur, next, strlen(next) + 1);
  }
  out->p[nq_pos] = (uint8_t)done;
  out->p[nq_pos + 1] = (uint8_t)(done >> 8);
  if (done == n) {
    if (newfid == fid) {
      char *p = strdup(cur);
      if (!p) return L_ENOMEM;
      fid_close(f);
      free(f->path);
      f->path = p;
      f->qtype = qtype;
    } else {
      int e = fid_set(s, newfid, cur, qtype);
      if (e) return e;
    }
  }
  return 0;
}

static int do_getattr(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  struct stat st;
  if (f->fd >= 0 ? fstat(f->fd, &st) : lstat_rel(s, f->path, &st)) return linux_errno(errno);
  p64(out, 0x7ffULL); /* P9_STATS_BASIC */
  pqid(out, &st);
  p32(out, linux_mode(&st));
  /* WASI has no ownership: every file belongs to the share's owner (c2w run: the container's
   * user, so a non-root container can write where it mounted) */
  p32(out, s->uid);
  p32(out, s->gid);
  p64(out, (uint64_t)st.st_nlink);
  p64(out, 0); /* rdev */
  p64(out, (uint64_t)st.st_size);
  p64(out, 4096);
  p64(out, ((uint64_t)st.st_size + 511) / 512);
  p64(out, (uint64_t)st.st_atim.tv_sec); p64(out, (uint64_t)st.st_atim.tv_nsec);
  p64(out, (uint64_t)st.st_mtim.tv_sec); p64(out, (uint64_t)st.st_mtim.tv_nsec);
  p64(out, (uint64_t)st.st_ctim.tv_sec); p64(out, (uint64_t)st.st_ctim.tv_nsec);
  p64(out, 0); p64(out, 0); p64(out, 0); p64(out, 0); /* btime, gen, data_version */
  return 0;
}

static int do_setattr(P9State *s, Buf *in) {
  uint32_t fid = g32(in), valid = g32(in);
  g32(in); g32(in); g32(in); /* mode, uid, gid: WASI cannot set them; accepted and ignored */
  uint64_t size = g64(in), as = g64(in), ans = g64(in), ms = g64(in), mns = g64(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  if (!(valid & (0x8 | 0x10 | 0x20))) return 0;
  if (s->readonly) return L_EROFS;
  if (valid & 0x8) { /* size */
    int fd = f->fd >= 0 ? f->fd : openat(s->root, hp(f->path), O_WRONLY | O_NOFOLLOW);
    if (fd < 0) return linux_errno(errno);
    int r = ftruncate(fd, (off_t)size), e = errno;
    if (fd != f->fd) close(fd);
    if (r) return linux_errno(e);
  }
  if (valid & (0x10 | 0x20)) {
    /* times: *_SET (0x80, 0x100) gives the value, else now. Always explicit values: node:wasi
     * (uvwasi) rejects UTIME_NOW / UTIME_OMIT with EINVAL */
    struct timespec ts[2], now;
    struct stat st;
    clock_gettime(CLOCK_REALTIME, &now);
    if (f->fd >= 0 ? fstat(f->fd, &st) : lstat_rel(s, f->path, &st)) return linux_errno(errno);
    ts[0] = !(valid & 0x10) ? st.st_atim : (valid & 0x80) ? (struct timespec){(time_t)as, (long)ans} : now;
    ts[1] = !(valid & 0x20) ? st.st_mtim : (valid & 0x100) ? (struct timespec){(time_t)ms, (long)mns} : now;
    int r = f->fd >= 0 ? futimens(f->fd, ts) : utimensat(s->root, hp(f->path), ts, AT_SYMLINK_NOFOLLOW);
    if (r) return linux_errno(errno);
  }
  return 0;
}

static int do_lopen(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in), flags = g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  if (f->fd >= 0 || f->dir) return L_EBADF;
  if (s->readonly && writes(flags)) return L_EROFS;
  int hf = host_open_flags(flags & ~(0100u | 0200u));
  if (f->qtype & QT_DIR) hf = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
  int fd = openat(s->root, hp(f->path), hf);
  if (fd < 0) return linux_errno(errno);
  struct stat st;
  if (fstat(fd, &st)) { int e = errno; close(fd); return linux_errno(e); }
  f->fd = fd;
  pqid(out, &st);
  p32(out, 0); /* iounit: the client uses msize */
  return 0;
}

static int do_lcreate(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  char name[256], path[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name)) return L_EPROTO;
  uint32_t flags = g32(in), mode = g32(in);
  g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  if (s->readonly) return L_EROFS;
  int e = join(path, f->path, name);
  if (e) return e;
  int fd = openat(s->root, path, host_open_flags(flags) | O_CREAT, (mode_t)(mode & 0777));
  if (fd < 0) return linux_errno(errno);
  struct stat st;
  char *p = strdup(path);
  if (!p || fstat(fd, &st)) { close(fd); free(p); return L_EIO; }
  fid_close(f);
  free(f->path);
  f->path = p;
  f->fd = fd;
  f->qtype = 0;
  pqid(out, &st);
  p32(out, 0);
  return 0;
}

static int do_read(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  uint64_t off = g64(in);
  uint32_t count = g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f || f->fd < 0 || f->dir) return L_EBADF;
  uint32_t room = out->len - out->pos - 4;
  if (count > room) count = room;
  ssize_t n;
  do n = pread(f->fd, out->p + out->pos + 4, count, (off_t)off); while (n < 0 && errno == EINTR);
  if (n < 0) return linux_errno(errno);
  p32(out, (uint32_t)n);
  out->pos += (uint32_t)n;
  return 0;
}

static int do_write(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  uint64_t off = g64(in);
  uint32_t count = g32(in);
  if (in->bad || count > in->len - in->pos) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f || f->fd < 0 || f->dir) return L_EBADF;
  if (s->readonly) return L_EROFS;
  ssize_t n;
  /* O_APPEND descriptors ignore the offset on Linux hosts; pwrite is what the client asked for */
  do n = pwrite(f->fd, in->p + in->pos, count, (off_t)off); while (n < 0 && errno == EINTR);
  if (n < 0) return linux_errno(errno);
  p32(out, (uint32_t)n);
  return 0;
}

static int do_readdir(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  uint64_t off = g64(in);
  uint32_t count = g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f || (f->fd < 0 && !f->dir)) return L_EBADF;
  if (!f->dir) {
    f->dir = fdopendir(f->fd);
    if (!f->dir) return linux_errno(errno);
    f->fd = -1;
    f->dir_pos = 0;
  }
  /* offsets are entry counts: seek by rewinding and skipping (portable to wasi-libc) */
  if (off != f->dir_pos) {
    rewinddir(f->dir);
    f->dir_pos = 0;
    while (f->dir_pos < off && readdir(f->dir)) f->dir_pos++;
  }
  uint32_t room = out->len - out->pos - 4;
  if (count < room) room = count;
  uint32_t cpos = out->pos;
  p32(out, 0);
  uint32_t start = out->pos;
  for (;;) {
    errno = 0;
    struct dirent *d = readdir(f->dir);
    if (!d) break;
    size_t nl = strlen(d->d_name);
    if ((out->pos - start) + 13 + 8 + 1 + 2 + nl > room) { f->dir_pos = ~0ULL; break; } /* next call reseeks */
    uint8_t qt = d->d_type == DT_DIR ? QT_DIR : d->d_type == DT_LNK ? QT_SYMLINK : 0;
    p8(out, qt); p32(out, 0); p64(out, (uint64_t)d->d_ino);
    f->dir_pos++;
    p64(out, f->dir_pos);
    p8(out, d->d_type);
    pstr(out, d->d_name);
  }
  uint32_t n = out->pos - start;
  memcpy(out->p + cpos, &n, 4); /* little-endian hosts only (x86, arm64, wasm) */
  return 0;
}

static int do_unlink_path(P9State *s, const char *path, bool dir) {
  if (s->readonly) return L_EROFS;
  if (!*path) return L_EBUSY;
  return unlinkat(s->root, path, dir ? AT_REMOVEDIR : 0) ? linux_errno(errno) : 0;
}

static int do_mkdir(P9State *s, Buf *in, Buf *out) {
  uint32_t dfid = g32(in);
  char name[256], path[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name)) return L_EPROTO;
  uint32_t mode = g32(in);
  g32(in);
  P9Fid *d = fid_get(s, dfid);
  if (in->bad) return L_EPROTO;
  if (!d) return L_EBADF;
  if (s->readonly) return L_EROFS;
  int e = join(path, d->path, name);
  if (e) return e;
  if (mkdirat(s->root, path, (mode_t)(mode & 0777))) return linux_errno(errno);
  struct stat st;
  if (lstat_rel(s, path, &st)) return linux_errno(errno);
  pqid(out, &st);
  return 0;
}

static int do_symlink(P9State *s, Buf *in, Buf *out) {
  uint32_t dfid = g32(in);
  char name[256], target[P9_PATH_MAX], path[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name) || !gstr(in, target, sizeof target)) return L_EPROTO;
  g32(in);
  P9Fid *d = fid_get(s, dfid);
  if (in->bad) return L_EPROTO;
  if (!d) return L_EBADF;
  if (s->readonly) return L_EROFS;
  int e = join(path, d->path, name);
  if (e) return e;
  if (symlinkat(target, s->root, path)) return linux_errno(errno);
  struct stat st;
  if (lstat_rel(s, path, &st)) return linux_errno(errno);
  pqid(out, &st);
  return 0;
}

static int do_readlink(P9State *s, Buf *in, Buf *out) {
  uint32_t fid = g32(in);
  if (in->bad) return L_EPROTO;
  P9Fid *f = fid_get(s, fid);
  if (!f) return L_EBADF;
  char target[P9_PATH_MAX];
  ssize_t n = readlinkat(s->root, hp(f->path), target, sizeof target - 1);
  if (n < 0) return linux_errno(errno);
  target[n] = 0;
  pstr(out, target);
  return 0;
}

static int rename_paths(P9State *s, const char *from, const char *to) {
  if (s->readonly) return L_EROFS;
  if (!*from) return L_EBUSY;
  if (renameat(s->root, from, s->root, to)) return linux_errno(errno);
  fids_renamed(s, from, to);
  return 0;
}

static int do_renameat(P9State *s, Buf *in) {
  uint32_t ofid = g32(in);
  char oname[256], nname[256], from[P9_PATH_MAX], to[P9_PATH_MAX];
  if (!gstr(in, oname, sizeof oname)) return L_EPROTO;
  uint32_t nfid = g32(in);
  if (!gstr(in, nname, sizeof nname)) return L_EPROTO;
  P9Fid *od = fid_get(s, ofid), *nd = fid_get(s, nfid);
  if (!od || !nd) return L_EBADF;
  int e = join(from, od->path, oname);
  if (!e) e = join(to, nd->path, nname);
  return e ? e : rename_paths(s, from, to);
}

static int do_rename(P9State *s, Buf *in) {
  uint32_t fid = g32(in), dfid = g32(in);
  char name[256], to[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name)) return L_EPROTO;
  P9Fid *f = fid_get(s, fid), *d = fid_get(s, dfid);
  if (!f || !d) return L_EBADF;
  int e = join(to, d->path, name);
  if (e) return e;
  char from[P9_PATH_MAX];
  snprintf(from, sizeof from, "%s", f->path);
  return rename_paths(s, from, to);
}

static int do_link(P9State *s, Buf *in) {
  uint32_t dfid = g32(in), fid = g32(in);
  char name[256], path[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name)) return L_EPROTO;
  P9Fid *d = fid_get(s, dfid), *f = fid_get(s, fid);
  if (!d || !f) return L_EBADF;
  if (s->readonly) return L_EROFS;
  int e = join(path, d->path, name);
  if (e) return e;
  return linkat(s->root, hp(f->path), s->root, path, 0) ? linux_errno(errno) : 0;
}

static int do_unlinkat(P9State *s, Buf *in) {
  uint32_t dfid = g32(in);
  char name[256], path[P9_PATH_MAX];
  if (!gstr(in, name, sizeof name)) return L_EPROTO;
  uint32_t flags = g32(in);
  P9Fid *d = fid_get(s, dfid);
  if (in->bad) return L_EPROTO;
  if (!d) return L_EBADF;
  int e = join(path, d->path, name);
  return e ? e : do_unlink_path(s, path, flags & 0x200 /* AT_REMOVEDIR */);
}

static void handle(P9State *s, Buf *in, Buf *out) {
  in->pos = 4;
  uint8_t type = g8(in);
  uint16_t tag = g16(in);
  out->pos = 7;
  int e = 0;
  if (in->bad) e = L_EPROTO;
  else switch (type) {
  case Tversion: {
    uint32_t msize = g32(in);
    char ver[32];
    if (!gstr(in, ver, sizeof ver)) { e = L_EPROTO; break; }
    fids_reset(s);
    s->msize = msize < P9_MSIZE_MAX ? msize : P9_MSIZE_MAX;
    if (s->msize < 4096) s->msize = 4096;
    p32(out, s->msize);
    pstr(out, strcmp(ver, "9P2000.L") ? "unknown" : "9P2000.L");
    break;
  }
  case Tattach: e = do_attach(s, in, out); break;
  case Twalk: e = do_walk(s, in, out); break;
  case Tgetattr: e = do_getattr(s, in, out); break;
  case Tsetattr: e = do_setattr(s, in); break;
  case Tlopen: e = do_lopen(s, in, out); break;
  case Tlcreate: e = do_lcreate(s, in, out); break;
  case Tread: e = do_read(s, in, out); break;
  case Twrite: e = do_write(s, in, out); break;
  case Treaddir: e = do_readdir(s, in, out); break;
  case Tclunk: case Tremove: {
    uint32_t fid = g32(in);
    P9Fid *f = fid_get(s, fid);
    if (!f) { e = L_EBADF; break; }
    if (type == Tremove) e = do_unlink_path(s, f->path, f->qtype & QT_DIR);
    fid_free(f); /* Tremove clunks the fid even when it fails */
    break;
  }
  case Tunlinkat: e = do_unlinkat(s, in); break;
  case Tmkdir: e = do_mkdir(s, in, out); break;
  case Tsymlink: e = do_symlink(s, in, out); break;
  case Treadlink: e = do_readlink(s, in, out); break;
  case Trenameat: e = do_renameat(s, in); break;
  case Trename: e = do_rename(s, in); break;
  case Tlink: e = do_link(s, in); break;
  case Tstatfs: { /* WASI has no statvfs: fixed, generous numbers */
    p32(out, 0x01021997); p32(out, 4096);
    p64(out, 1ULL << 28); p64(out, 1ULL << 27); p64(out, 1ULL << 27);
    p64(out, 1ULL << 24); p64(out, 1ULL << 23); p64(out, 0); p32(out, 255);
    break;
  }
  case Tfsync: {
    P9Fid *f = fid_get(s, g32(in));
    if (!f) e = L_EBADF;
    else if (f->fd >= 0 && !s->readonly && fsync(f->fd)) e = linux_errno(errno);
    break;
  }
  case Tflush: break; /* requests complete synchronously: nothing is in flight */
  case Tlock: p8(out, 0); break; /* LOCK_SUCCESS: one guest, locks are the guest kernel's business */
  case Tgetlock: {
    g32(in); g8(in);
    uint64_t start = g64(in), len = g64(in);
    uint32_t pid = g32(in);
    char client[256];
    if (!gstr(in, client, sizeof client)) { e = L_EPROTO; break; }
    p8(out, 2 /* F_UNLCK */); p64(out, start); p64(out, len); p32(out, pid); pstr(out, client);
    break;
  }
  default: e = L_EOPNOTSUPP; break; /* Txattrwalk, Txattrcreate, Tmknod, Tauth, ... */
  }
  if (!e && out->bad) e = L_EIO;
  if (e) {
    out->pos = 7;
    out->bad = false;
    p32(out, (uint32_t)e);
    type = Tlerror;
  }
  uint32_t size = out->pos;
  out->pos = 0;
  p32(out, size);
  p8(out, (uint8_t)(type + 1));
  p16(out, tag);
  out->pos = size;
}

int virtio_9p_init(Machine *m, VirtioDev *v, const ShareConfig *share) {
  (void)m;
  const char *path = share->path, *tag = share->tag;
  size_t tl = strlen(tag);
  if (!tl || tl > 255) {
    fprintf(stderr, "c2w-machine: share '%s': tag must be 1..255 bytes\n", path);
    return -1;
  }
  int fd = path ? open(path, O_RDONLY | O_DIRECTORY) : -1;
  if (path && fd < 0) {
    fprintf(stderr, "c2w-machine: cannot open shared directory '%s': %s\n", path, strerror(errno));
    return -1;
  }
  P9State *s = calloc(1, sizeof *s);
  if (s) {
    s->req = malloc(P9_MSIZE_MAX);
    s->rep = malloc(P9_MSIZE_MAX);
    s->fids = calloc(P9_MAX_FIDS, sizeof *s->fids);
    s->tag = strdup(tag);
  }
  if (!s || !s->req || !s->rep || !s->fids || !s->tag) {
    if (fd >= 0) close(fd);
    if (s) { free(s->req); free(s->rep); free(s->fids); free(s->tag); free(s); }
    fprintf(stderr, "c2w-machine: out of memory for share '%s'\n", path);
    return -1;
  }
  for (int i = 0; i < P9_MAX_FIDS; i++) s->fids[i].fd = -1;
  s->root = fd;
  s->readonly = share->readonly;
  s->uid = share->uid;
  s->gid = share->gid;
  s->msize = 8192;
  v->device_id = VIRTIO_ID_9P;
  v->nqueues = 1;
  v->dev_features = VIRTIO_F_VERSION_1 | VIRTIO_9P_MOUNT_TAG;
  v->p9 = s;
  return 0;
}

/* A share probed unbound in a snapshot boot gets its directory when the snapshot resumes: the
 * guest has not attached it yet (c2w-init mounts shares only after reading the run request). */
int virtio_9p_bind(VirtioDev *v, const char *path, uint32_t uid, uint32_t gid) {
  P9State *s = v->p9;
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (!s || fd < 0) {
    fprintf(stderr, "c2w-machine: cannot open shared directory '%s': %s\n", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  s->root = fd;
  s->uid = uid;
  s->gid = gid;
  return 0;
}

void virtio_9p_free(VirtioDev *v) {
  P9State *s = v->p9;
  if (!s) return;
  fids_reset(s);
  close(s->root);
  free(s->req); free(s->rep); free(s->fids); free(s->tag); free(s);
  v->p9 = NULL;
}

/* config space: le16 tag_len, then the tag (not NUL-terminated) */
uint64_t virtio_9p_config_read(VirtioDev *v, uint64_t off, int size) {
  P9State *s = v->p9;
  uint8_t cfg[2 + 256];
  size_t tl = strlen(s->tag);
  cfg[0] = (uint8_t)tl;
  cfg[1] = (uint8_t)(tl >> 8);
  memcpy(cfg + 2, s->tag, tl);
  uint64_t r = 0;
  for (int i = 0; i < size; i++)
    if (off + (uint64_t)i < 2 + tl) r |= (uint64_t)cfg[off + (uint64_t)i] << (8 * i);
  return r;
}

void virtio_9p_queue_notify(Machine *m, VirtioDev *v, int q) {
  P9State *s = v->p9;
  VqChain *c = &m->vq_chain;
  bool any = false;
  for (;;) {
    int r = virtq_pop(m, v, q, c);
    if (r == 0) break;
    any = true;
    if (r < 0 || c->out_len < 7) { virtq_push(m, v, q, c->head, 0); continue; }
    uint32_t len = c->out_len < P9_MSIZE_MAX ? (uint32_t)c->out_len : P9_MSIZE_MAX;
    virtq_read(m, c, 0, s->req, len);
    uint32_t size;
    memcpy(&size, s->req, 4);
    Buf in = {.p = s->req, .len = size < len ? size : len};
    uint32_t cap = c->in_len < s->msize ? (uint32_t)c->in_len : s->msize;
    if (cap < 11) { virtq_push(m, v, q, c->head, 0); continue; }
    Buf out = {.p = s->rep, .len = cap};
    handle(s, &in, &out);
    virtq_write(m, c, 0, s->rep, out.pos);
    virtq_push(m, v, q, c->head, out.pos);
  }
  if (any) virtio_notify_irq(m, v);
}
