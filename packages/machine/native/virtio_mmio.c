/* virtio over MMIO, modern interface (virtio 1.1 section 4.2.2, Version = 2), and the split
 * virtqueue mechanics (section 2.6). Eight slots at 0x10001000 + 0x1000*i with PLIC IRQ i+1;
 * empty slots answer with device ID 0 as on QEMU. */
#include <string.h>
#include "virtio.h"

static VirtQueue *cur_q(VirtioDev *v) { return v->queue_sel < (uint32_t)v->nqueues ? &v->q[v->queue_sel] : NULL; }

static void virtio_reset(Machine *m, VirtioDev *v) {
  v->status = 0;
  v->int_status = 0;
  v->drv_features = 0;
  v->queue_sel = 0;
  memset(v->q, 0, sizeof v->q);
  if (v->device_id == 3) virtio_console_reset(v);
  plic_set_irq(m, (int)v->irq, 0);
}

void virtio_notify_irq(Machine *m, VirtioDev *v) {
  v->int_status |= 1;
  plic_set_irq(m, (int)v->irq, 1);
}

uint64_t virtio_read(Machine *m, int slot, uint64_t off, int size) {
  VirtioDev *v = &m->virtio[slot];
  if (off >= 0x100) {
    if (v->device_id == 2) return virtio_blk_config_read(v, off - 0x100, size);
    if (v->device_id == 9) return virtio_9p_config_read(v, off - 0x100, size);
    if (v->device_id == 3) return virtio_console_config_read(v, off - 0x100, size);
    return 0;
  }
  VirtQueue *q = cur_q(v);
  switch (off) {
  case 0x000: return 0x74726976;
  case 0x004: return 2;
  case 0x008: return v->device_id;
  case 0x00c: return 0x554d4551;
  case 0x010: return v->dev_feat_sel == 0 ? (uint32_t)v->dev_features : v->dev_feat_sel == 1 ? (uint32_t)(v->dev_features >> 32) : 0;
  case 0x034: return q ? 256 : 0;
  case 0x044: return q ? q->ready : 0;
  case 0x060: return v->int_status;
  case 0x070: return v->status;
  case 0x080: return q ? (uint32_t)q->desc : 0;
  case 0x084: return q ? (uint32_t)(q->desc >> 32) : 0;
  case 0x090: return q ? (uint32_t)q->avail : 0;
  case 0x094: return q ? (uint32_t)(q->avail >> 32) : 0;
  case 0x0a0: return q ? (uint32_t)q->used : 0;
  case 0x0a4: return q ? (uint32_t)(q->used >> 32) : 0;
  case 0x0fc: return v->config_gen;
  default: return 0;
  }
}

void virtio_write(Machine *m, int slot, uint64_t off, int size, uint64_t val) {
  VirtioDev *v = &m->virtio[slot];
  (void)size;
  if (!v->device_id) return;
  uint32_t w = (uint32_t)val;
  VirtQueue *q = cur_q(v);
  switch (off) {
  case 0x014: v->dev_feat_sel = w; break;
  case 0x020:
    if (v->drv_feat_sel == 0) v->drv_features = (v->drv_features & ~0xffffffffULL) | w;
    else if (v->drv_feat_sel == 1) v->drv_features = (v->drv_features & 0xffffffffULL) | ((uint64_t)w << 32);
    break;
  case 0x024: v->drv_feat_sel = w; break;
  case 0x030: v->queue_sel = w; break;
  case 0x038: if (q && w <= 256 && w && !(w & (w - 1))) q->num = w; break;
  case 0x044: if (q) { q->ready = w & 1; if (!q->ready) q->last_avail = 0; } break;
  case 0x050:
    if (w < (uint32_t)v->nqueues && v->q[w].ready) {
      if (v->device_id == 2) virtio_blk_queue_notify(m, v, (int)w);
      else if (v->device_id == 3) virtio_console_queue_notify(m, v, (int)w);
      else if (v->device_id == 9) virtio_9p_queue_notify(m, v, (int)w);
    }
    break;
  case 0x064:
    v->int_status &= ~w;
    if (!v->int_status) plic_set_irq(m, (int)v->irq, 0);
    break;
  case 0x070:
    if (w == 0) virtio_reset(m, v);
    else v->status = w;
    break;
  case 0x080: if (q) q->desc = (q->desc & ~0xffffffffULL) | w; break;
  case 0x084: if (q) q->desc = (q->desc & 0xffffffffULL) | ((uint64_t)w << 32); break;
  case 0x090: if (q) q->avail = (q->avail & ~0xffffffffULL) | w; break;
  case 0x094: if (q) q->avail = (q->avail & 0xffffffffULL) | ((uint64_t)w << 32); break;
  case 0x0a0: if (q) q->used = (q->used & ~0xffffffffULL) | w; break;
  case 0x0a4: if (q) q->used = (q->used & 0xffffffffULL) | ((uint64_t)w << 32); break;
  default: break;
  }
}

/* ---- split virtqueue ---- */
static uint16_t rd16(Machine *m, uint64_t a) {
  uint8_t *p = bus_ram_ptr(m, a, 2);
  uint16_t v = 0;
  if (p) memcpy(&v, p, 2);
  return v;
}

bool virtq_has_avail(Machine *m, VirtioDev *v, int q) {
  VirtQueue *vq = &v->q[q];
  if (!vq->ready || !vq->num) return false;
  return rd16(m, vq->avail + 2) != vq->last_avail;
}

int virtq_pop(Machine *m, VirtioDev *v, int q, VqChain *c) {
  VirtQueue *vq = &v->q[q];
  if (!virtq_has_avail(m, v, q)) return 0;
  uint16_t head = rd16(m, vq->avail + 4 + 2 * (uint64_t)(vq->last_avail % vq->num));
  vq->last_avail++;
  c->head = head;
  c->nseg = 0;
  c->out_len = c->in_len = 0;
  uint16_t i = head;
  for (int n = 0; n < VIRTQ_MAX_CHAIN; n++) {
    if (i >= vq->num) return -1;
    uint8_t *d = bus_ram_ptr(m, vq->desc + 16 * (uint64_t)i, 16);
    if (!d) return -1;
    uint64_t addr; uint32_t len; uint16_t flags, next;
    memcpy(&addr, d, 8); memcpy(&len, d + 8, 4); memcpy(&flags, d + 12, 2); memcpy(&next, d + 14, 2);
    VqSeg *s = &c->seg[c->nseg++];
    s->addr = addr; s->len = len; s->write = flags & 2;
    if (s->write) c->in_len += len; else c->out_len += len;
    if (!(flags & 1)) return 1;
    i = next;
  }
  return -1;
}

void virtq_push(Machine *m, VirtioDev *v, int q, uint16_t head, uint32_t len) {
  VirtQueue *vq = &v->q[q];
  uint16_t idx = rd16(m, vq->used + 2);
  uint8_t *e = bus_ram_ptr(m, vq->used + 4 + 8 * (uint64_t)(idx % vq->num), 8);
  if (e) {
    uint32_t id = head;
    memcpy(e, &id, 4);
    memcpy(e + 4, &len, 4);
  }
  uint8_t *ip = bus_ram_ptr(m, vq->used + 2, 2);
  idx++;
  if (ip) memcpy(ip, &idx, 2);
}

static uint64_t chain_copy(Machine *m, const VqChain *c, bool write, uint64_t off, uint8_t *buf, uint64_t len) {
  uint64_t done = 0;
  for (int i = 0; i < c->nseg && done < len; i++) {
    const VqSeg *s = &c->seg[i];
    if (s->write != write) continue;
    if (off >= s->len) { off -= s->len; continue; }
    uint64_t n = s->len - off;
    if (n > len - done) n = len - done;
    uint8_t *p = bus_ram_ptr(m, s->addr + off, n);
    if (!p) break;
    if (write) { memcpy(p, buf + done, n); ram_written(m, s->addr + off, n); }
    else memcpy(buf + done, p, n);
    done += n;
    off = 0;
  }
  return done;
}

uint64_t virtq_read(Machine *m, const VqChain *c, uint64_t off, void *dst, uint64_t len) {
  return chain_copy(m, c, false, off, dst, len);
}
uint64_t virtq_write(Machine *m, const VqChain *c, uint64_t off, const void *src, uint64_t len) {
  return chain_copy(m, c, true, off, (uint8_t *)src, len);
}
