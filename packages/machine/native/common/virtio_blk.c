/* virtio-blk (virtio 1.1 section 5.2) backed by a host file descriptor. The image is never loaded
 * into memory: reads go through a small bounded cache of BLK_CACHE_LINES lines of 64 KiB
 * (2 MiB in total, LRU) filled with pread; writes are written through with pwrite. A drive whose
 * config carries `data` is a read-only disk in host memory (the single file's run channel). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define SEG_MAX 254

/* The drive config for `path`, found by pointer (boot passes cfg's own path), or NULL. */
static const DriveConfig *drive_config(Machine *m, const char *path) {
  for (int i = 0; m->cfg && i < m->cfg->ndrives; i++)
    if (m->cfg->drives[i].path == path) return &m->cfg->drives[i];
  return NULL;
}

int virtio_blk_init(Machine *m, VirtioDev *v, const char *path, bool readonly) {
  const DriveConfig *d = drive_config(m, path), *ram = d && d->data ? d : NULL;
  if (ram) {
    v->device_id = VIRTIO_ID_BLOCK;
    v->mem = ram->data;
    v->readonly = true;
    v->capacity_bytes = ram->data_size & ~511ULL;
    v->nqueues = 1;
    v->dev_features = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_RO;
    return 0;
  }
  int fd = open(path, readonly ? O_RDONLY : O_RDWR);
  if (fd < 0 && !readonly && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    fprintf(stderr, "c2w-machine: drive '%s' is not writable: %s (use ',ro')\n", path, strerror(errno));
    return -1;
  }
  if (fd < 0) {
    fprintf(stderr, "c2w-machine: cannot open drive '%s': %s\n", path, strerror(errno));
    return -1;
  }
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0) {
    fprintf(stderr, "c2w-machine: cannot size drive '%s': %s\n", path, strerror(errno));
    close(fd);
    return -1;
  }
  v->device_id = VIRTIO_ID_BLOCK;
  v->fd = fd;
  v->readonly = readonly;
  v->capacity_bytes = (uint64_t)size & ~511ULL;
  v->nqueues = 1;
  /* a volatile drive offers no FLUSH: the guest may then assume a write-through cache and sends
   * none (virtio 1.1 section 5.2.5.1), which spares its requests and the host's fsyncs */
  bool flush = !readonly && !(d && d->volatile_disk);
  v->dev_features = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE |
                    (readonly ? VIRTIO_BLK_F_RO : 0) | (flush ? VIRTIO_BLK_F_FLUSH : 0);
  v->cache = malloc((size_t)(BLK_CACHE_LINES + 1) * BLK_CACHE_LINE); /* + 1 scratch line */
  if (!v->cache) { close(fd); return -1; }
  for (int i = 0; i < BLK_CACHE_LINES; i++) v->lines[i].off = ~0ULL;
  return 0;
}

uint64_t virtio_blk_config_read(VirtioDev *v, uint64_t off, int size) {
  uint8_t cfg[32];
  memset(cfg, 0, sizeof cfg);
  uint64_t cap = v->capacity_bytes / 512;
  uint32_t seg_max = SEG_MAX, blk = 512;
  memcpy(cfg, &cap, 8);
  memcpy(cfg + 12, &seg_max, 4);
  memcpy(cfg + 20, &blk, 4);
  if (off + (uint64_t)size > sizeof cfg) return 0;
  uint64_t r = 0;
  memcpy(&r, cfg + off, (size_t)size);
  return r;
}

static uint8_t *cache_line(VirtioDev *v, uint64_t line_off) {
  int victim = 0;
  for (int i = 0; i < BLK_CACHE_LINES; i++) {
    if (v->lines[i].off == line_off) {
      v->lines[i].stamp = ++v->cache_clock;
      return v->cache + (size_t)i * BLK_CACHE_LINE;
    }
    if (v->lines[i].stamp < v->lines[victim].stamp) victim = i;
  }
  uint8_t *p = v->cache + (size_t)victim * BLK_CACHE_LINE;
  uint64_t got = 0;
  while (got < BLK_CACHE_LINE) {
    ssize_t n = pread(v->fd, p + got, BLK_CACHE_LINE - got, (off_t)(line_off + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (uint64_t)n;
  }
  if (got < BLK_CACHE_LINE) memset(p + got, 0, BLK_CACHE_LINE - got);
  v->lines[victim].off = line_off;
  v->lines[victim].valid_len = (uint32_t)got;
  v->lines[victim].stamp = ++v->cache_clock;
  return p;
}

static int blk_read(Machine *m, VirtioDev *v, const VqChain *c, uint64_t off, uint64_t len) {
  if (v->mem) return virtq_write(m, c, 0, v->mem + off, len) == len ? 0 : -1;
  uint64_t done = 0;
  while (done < len) {
    uint64_t pos = off + done, line = pos - pos % BLK_CACHE_LINE;
    uint64_t in = pos - line, n = BLK_CACHE_LINE - in;
    if (n > len - done) n = len - done;
    uint8_t *p = cache_line(v, line);
    if (virtq_write(m, c, done, p + in, n) != n) return -1;
    done += n;
  }
  return 0;
}

static int blk_write(Machine *m, VirtioDev *v, const VqChain *c, uint64_t data_off, uint64_t off, uint64_t len) {
  uint8_t *scratch = v->cache + (size_t)BLK_CACHE_LINES * BLK_CACHE_LINE;
  uint64_t done = 0;
  while (done < len) {
    uint64_t n = len - done > BLK_CACHE_LINE ? BLK_CACHE_LINE : len - done;
    if (virtq_read(m, c, data_off + done, scratch, n) != n) return -1;
    uint64_t w = 0;
    while (w < n) {
      ssize_t r = pwrite(v->fd, scratch + w, n - w, (off_t)(off + done + w));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return -1;
      w += (uint64_t)r;
    }
    /* keep cached lines coherent */
    for (int i = 0; i < BLK_CACHE_LINES; i++) {
      uint64_t lo = v->lines[i].off;
      if (lo == ~0ULL) continue;
      uint64_t a = off + done, b = a + n;
      uint64_t s = a > lo ? a : lo, e = b < lo + BLK_CACHE_LINE ? b : lo + BLK_CACHE_LINE;
      if (s < e) memcpy(v->cache + (size_t)i * BLK_CACHE_LINE + (s - lo), scratch + (s - a), e - s);
    }
    done += n;
  }
  return 0;
}

void virtio_blk_queue_notify(Machine *m, VirtioDev *v, int q) {
  VqChain *cp = &m->vq_chain;
#define c (*cp)
  bool any = false;
  for (;;) {
    int r = virtq_pop(m, v, q, &c);
    if (r == 0) break;
    any = true;
    if (r < 0 || c.out_len < 16 || c.in_len < 1) { virtq_push(m, v, q, c.head, 0); continue; }
    uint8_t hdr[16];
    virtq_read(m, &c, 0, hdr, 16);
    uint32_t type; uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    uint8_t status = 0;
    uint32_t written = 0;
    uint64_t off = sector * 512;
    switch (type) {
    case 0: { /* IN */
      uint64_t len = c.in_len - 1;
      if (off > v->capacity_bytes || len > v->capacity_bytes - off) status = 1;
      else if (blk_read(m, v, &c, off, len)) status = 1;
      else written = (uint32_t)len;
      break;
    }
    case 1: { /* OUT */
      uint64_t len = c.out_len - 16;
      if (v->readonly) status = 1;
      else if (off > v->capacity_bytes || len > v->capacity_bytes - off) status = 1;
      else if (blk_write(m, v, &c, 16, off, len)) status = 1;
      break;
    }
    case 4: /* FLUSH: a failed fsync is an I/O error, so the guest's journal never trusts lost data */
      if (!v->readonly && v->fd >= 0 && fsync(v->fd) != 0) status = 1;
      break;
    case 8: { /* GET_ID */
      char id[20];
      memset(id, 0, sizeof id);
      snprintf(id, sizeof id, "c2w-vd%d", (int)(v - m->virtio));
      uint64_t n = c.in_len - 1 < 20 ? c.in_len - 1 : 20;
      virtq_write(m, &c, 0, id, n);
      written = (uint32_t)n;
      break;
    }
    default: status = 2; break;
    }
    virtq_write(m, &c, c.in_len - 1, &status, 1);
    virtq_push(m, v, q, c.head, written + 1);
  }
  if (any) virtio_notify_irq(m, v);
#undef c
}
