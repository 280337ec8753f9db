/* virtio over MMIO, modern interface (virtio 1.1 section 4.2.2, Version = 2), and the split
 * virtqueue mechanics (section 2.6). Eight slots, placed by the board (riscv64: 0x10001000 +
 * 0x1000*i on PLIC source i+1; x86_64: 0xfeb00000 + 0x200*i on I/O APIC pin 5+i, as QEMU's
 * microvm); the interrupt goes through the board's IrqLines. Empty slots answer device ID 0. */
#include <string.h>
#include "virtio.h"
#include "virtio_mmio.h"

static VirtQueue *cur_q(VirtioDev *v) { return v->queue_sel < (uint32_t)v->nqueues ? &v->q[v->queue_sel] : NULL; }

static void virtio_reset(Machine *m, VirtioDev *v) {
  v->status = 0;
  v->int_status = 0;
  v->drv_features = 0;
  v->queue_sel = 0;
  memset(v->q, 0, sizeof v->q);
  if (v->device_id == VIRTIO_ID_CONSOLE) virtio_console_reset(v);
  if (v->device_id == VIRTIO_ID_NET) virtio_net_reset(v);
  machine_set_irq(m, (int)v->irq, 0);
}

void virtio_notify_irq(Machine *m, VirtioDev *v) {
  v->int_status |= 1;
  machine_set_irq(m, (int)v->irq, 1);
}

uint64_t virtio_read(Machine *m, int slot, uint64_t off, int size) {
  VirtioDev *v = &m->virtio[slot];
  if (off >= VIRTIO_MMIO_CONFIG) {
    if (v->device_id == VIRTIO_ID_BLOCK) return virtio_blk_config_read(v, off - VIRTIO_MMIO_CONFIG, size);
    if (v->device_id == VIRTIO_ID_9P) return virtio_9p_config_read(v, off - VIRTIO_MMIO_CONFIG, size);
    if (v->device_id == VIRTIO_ID_CONSOLE) return virtio_console_config_read(v, off - VIRTIO_MMIO_CONFIG, size);
    if (v->device_id == VIRTIO_ID_NET) return virtio_net_config_read(v, off - VIRTIO_MMIO_CONFIG, size);
    return 0;
  }
  VirtQueue *q = cur_q(v);
  switch (off) {
  case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
  case VIRTIO_MMIO_VERSION: return 2;
  case VIRTIO_MMIO_DEVICE_ID: return v->device_id;
  case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR_QEMU;
  case VIRTIO_MMIO_DEVICE_FEATURES: return v->dev_feat_sel == 0 ? (uint32_t)v->dev_features : v->dev_feat_sel == 1 ? (uint32_t)(v->dev_features >> 32) : 0;
  case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTIO_MMIO_QUEUE_SIZE : 0;
  case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
  case VIRTIO_MMIO_INTERRUPT_STATUS: return v->int_status;
  case VIRTIO_MMIO_STATUS: return v->status;
  case VIRTIO_MMIO_QUEUE_DESC_LOW: return q ? (uint32_t)q->desc : 0;
  case VIRTIO_MMIO_QUEUE_DESC_HIGH: return q ? (uint32_t)(q->desc >> 32) : 0;
  case VIRTIO_MMIO_QUEUE_AVAIL_LOW: return q ? (uint32_t)q->avail : 0;
  case VIRTIO_MMIO_QUEUE_AVAIL_HIGH: return q ? (uint32_t)(q->avail >> 32) : 0;
  case VIRTIO_MMIO_QUEUE_USED_LOW: return q ? (uint32_t)q->used : 0;
  case VIRTIO_MMIO_QUEUE_USED_HIGH: return q ? (uint32_t)(q->used >> 32) : 0;
  case VIRTIO_MMIO_CONFIG_GENERATION: return v->config_gen;
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
  case VIRTIO_MMIO_DEVICE_FEATURES_SEL: v->dev_feat_sel = w; break;
  case VIRTIO_MMIO_DRIVER_FEATURES:
    if (v->drv_feat_sel == 0) v->drv_features = (v->drv_features & ~0xffffffffULL) | w;
    else if (v->drv_feat_sel == 1) v->drv_features = (v->drv_features & 0xffffffffULL) | ((uint64_t)w << 32);
    break;
  case VIRTIO_MMIO_DRIVER_FEATURES_SEL: v->drv_feat_sel = w; break;
  case VIRTIO_MMIO_QUEUE_SEL: v->queue_sel = w; break;
  case VIRTIO_MMIO_QUEUE_NUM: if (q && w <= VIRTIO_MMIO_QUEUE_SIZE && w && !(w & (w - 1))) q->num = w; break;
  case VIRTIO_MMIO_QUEUE_READY: if (q) { q->ready = w & 1; if (!q->ready) q->last_avail = 0; } break;
  case VIRTIO_MMIO_QUEUE_NOTIFY:
    if (w < (uint32_t)v->nqueues && v->q[w].ready) {
      if (v->device_id == VIRTIO_ID_BLOCK) virtio_blk_queue_notify(m, v, (int)w);
      else if (v->device_id == VIRTIO_ID_CONSOLE) virtio_console_queue_notify(m, v, (int)w);
      else if (v->device_id == VIRTIO_ID_9P) virtio_9p_queue_notify(m, v, (int)w);
      else if (v->device_id == VIRTIO_ID_NET) virtio_net_queue_notify(m, v, (int)w);
      else if (v->device_id == VIRTIO_ID_RNG) virtio_rng_queue_notify(m, v, (int)w);
    }
    break;
  case VIRTIO_MMIO_INTERRUPT_ACK:
    v->int_status &= ~w;
    if (!v->int_status) machine_set_irq(m, (int)v->irq, 0);
    break;
  case VIRTIO_MMIO_STATUS:
    if (w == 0) virtio_reset(m, v);
    else v->status = w;
    break;
  case VIRTIO_MMIO_QUEUE_DESC_LOW: if (q) q->desc = (q->desc & ~0xffffffffULL) | w; break;
  case VIRTIO_MMIO_QUEUE_DESC_HIGH: if (q) q->desc = (q->desc & 0xffffffffULL) | ((uint64_t)w << 32); break;
  case VIRTIO_MMIO_QUEUE_AVAIL_LOW: if (q) q->avail = (q->avail & ~0xffffffffULL) | w; break;
  case VIRTIO_MMIO_QUEUE_AVAIL_HIGH: if (q) q->avail = (q->avail & 0xffffffffULL) | ((uint64_t)w << 32); break;
  case VIRTIO_MMIO_QUEUE_USED_LOW: if (q) q->used = (q->used & ~0xffffffffULL) | w; break;
  case VIRTIO_MMIO_QUEUE_USED_HIGH: if (q) q->used = (q->used & 0xffffffffULL) | ((uint64_t)w << 32); break;
  default: break;
  }
}

/* ---- split virtqueue ---- */
/* guest RAM as the device reads and writes it (DMA), wherever the board puts RAM */
static uint8_t *dma_ptr(Machine *m, uint64_t pa, uint64_t len) {
  uint64_t off = pa - m->ram_base;
  return pa >= m->ram_base && off < m->ram_size && len <= m->ram_size - off ? m->ram + off : NULL;
}

static uint16_t rd16(Machine *m, uint64_t a) {
  uint8_t *p = dma_ptr(m, a, 2);
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
    uint8_t *d = dma_ptr(m, vq->desc + 16 * (uint64_t)i, 16);
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
  uint8_t *e = dma_ptr(m, vq->used + 4 + 8 * (uint64_t)(idx % vq->num), 8);
  if (e) {
    uint32_t id = head;
    memcpy(e, &id, 4);
    memcpy(e + 4, &len, 4);
  }
  uint8_t *ip = dma_ptr(m, vq->used + 2, 2);
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
    uint8_t *p = dma_ptr(m, s->addr + off, n);
    if (!p) break;
    if (write) {
      memcpy(p, buf + done, n);
      if (m->code_page) ram_written(m, s->addr + off, n); /* riscv64's decoded pages */
      else if (m->dma_written.fn) m->dma_written.fn(m->dma_written.ctx, s->addr + off, n); /* x86_64's blocks */
    }
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
