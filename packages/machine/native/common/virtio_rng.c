/* virtio-rng, the entropy device (virtio 1.1 section 5.4): one requestq whose device-writable
 * buffers the device fills with host random bytes (getentropy: WASI random_get on wasm32-wasi).
 * Only the pre-booted snapshot uses it (docs/decisions/0041): booted under wizer, the device holds
 * the guest's requests unanswered (a snapshot must not carry host bytes, and the kernel's crng must
 * still be unseeded then); the resumed run answers them, and Linux's hwrng thread credits the bytes,
 * which seeds the crng at once from this run's host randomness. */
#include <unistd.h>
#include "virtio.h"

#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define RNG_CHUNK 256 /* getentropy's limit per call */

int virtio_rng_init(Machine *m, VirtioDev *v, bool held) {
  (void)m;
  v->device_id = VIRTIO_ID_RNG;
  v->nqueues = 1;
  v->dev_features = VIRTIO_F_VERSION_1;
  v->fd = -1;
  v->rng_held = held;
  return 0;
}

/* Fills every buffer the guest has posted; returns -1 when the host has no randomness to give. */
int virtio_rng_feed(Machine *m, VirtioDev *v) {
  VqChain *c = &m->vq_chain;
  int done = 0, rc = 0;
  while (!v->rng_held && virtq_pop(m, v, 0, c) > 0) {
    uint32_t len = c->in_len > 4096 ? 4096 : (uint32_t)c->in_len, off = 0;
    uint8_t bytes[RNG_CHUNK];
    while (off < len) {
      uint32_t k = len - off < RNG_CHUNK ? len - off : RNG_CHUNK;
      if (getentropy(bytes, k) != 0) { rc = -1; break; }
      virtq_write(m, c, off, bytes, k);
      off += k;
    }
    virtq_push(m, v, 0, c->head, off);
    done++;
    if (rc) break;
  }
  if (done) virtio_notify_irq(m, v);
  return rc;
}

void virtio_rng_queue_notify(Machine *m, VirtioDev *v, int q) {
  if (q == 0) virtio_rng_feed(m, v);
}
