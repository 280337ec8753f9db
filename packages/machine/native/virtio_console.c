/* virtio-console (virtio 1.1 section 5.3), single port, no multiport: receiveq 0 carries host
 * stdin to the guest (hvc0), transmitq 1 carries guest output to host stdout. */
#include "virtio.h"

#define VIRTIO_F_VERSION_1 (1ULL << 32)

void virtio_console_init(Machine *m, VirtioDev *v) {
  (void)m;
  v->device_id = 3;
  v->nqueues = 2;
  v->dev_features = VIRTIO_F_VERSION_1;
  v->fd = -1;
}

bool virtio_console_can_receive(Machine *m, VirtioDev *v) {
  return (v->status & 4) && virtq_has_avail(m, v, 0);
}

int virtio_console_receive(Machine *m, VirtioDev *v, const uint8_t *buf, int n) {
  VqChain *c = &m->vq_chain;
  int done = 0;
  while (done < n) {
    if (virtq_pop(m, v, 0, c) <= 0) break;
    uint64_t k = (uint64_t)(n - done) < c->in_len ? (uint64_t)(n - done) : c->in_len;
    virtq_write(m, c, 0, buf + done, k);
    virtq_push(m, v, 0, c->head, (uint32_t)k);
    done += (int)k;
  }
  if (done) virtio_notify_irq(m, v);
  return done;
}

void virtio_console_queue_notify(Machine *m, VirtioDev *v, int q) {
  VqChain *c = &m->vq_chain;
  if (q != 1) return;
  bool any = false;
  while (virtq_pop(m, v, 1, c) > 0) {
    uint8_t buf[256];
    uint64_t off = 0;
    while (off < c->out_len) {
      uint64_t k = virtq_read(m, c, off, buf, sizeof buf);
      if (!k) break;
      console_out(m, buf, (int)k);
      off += k;
    }
    virtq_push(m, v, 1, c->head, 0);
    any = true;
  }
  if (any) virtio_notify_irq(m, v);
}
