/* virtio-net (virtio 1.1 section 5.1, device ID 1): one receiveq (0) and one transmitq (1), no
 * control queue. Frames cross to the host through a *frame channel*: a file descriptor the config
 * names ("net": PATH, --net PATH) on which each read() returns one whole Ethernet frame (EAGAIN:
 * none yet) and each write() takes one (EAGAIN: the host is full, the frame waits here). Under
 * Node the host answers those fd calls itself and runs a user-mode network (packages/usernet,
 * docs/decisions/0030-user-mode-network.md), so machine.wasm still imports only WASI preview1.
 * Offloads: the host stack neither checks nor needs checksums and takes TCP segments of any size,
 * so CSUM + HOST_TSO4 let the guest skip checksumming and segmenting (its CPU is interpreted);
 * frames to the guest are MTU-sized with DATA_VALID (GUEST_CSUM) set. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "virtio.h"

#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_NET_F_CSUM (1ULL << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ULL << 1)
#define VIRTIO_NET_F_MAC (1ULL << 5)
#define VIRTIO_NET_F_HOST_TSO4 (1ULL << 11)
#define VIRTIO_NET_HDR_F_DATA_VALID 2
/* struct virtio_net_hdr_v1 (section 5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
 * csum_offset, num_buffers; always 12 bytes once VERSION_1 is negotiated */
#define NET_HDR_LEN 12
/* a TSO segment: 64 KiB of IP packet plus the Ethernet header (and a VLAN tag) */
#define NET_FRAME_MAX (65536 + 18)

typedef struct NetState {
  uint8_t mac[6];
  uint8_t rx[NET_FRAME_MAX];
  uint8_t tx[NET_FRAME_MAX];
  bool tx_pending;     /* tx holds a frame the host had no room for (chain tx_head not yet used) */
  uint16_t tx_head;
  uint32_t tx_len;
} NetState;

int virtio_net_init(Machine *m, VirtioDev *v, const char *path) {
  (void)m;
  NetState *n = calloc(1, sizeof *n);
  if (!n) { fprintf(stderr, "c2w-machine: out of memory\n"); return 1; }
  v->fd = open(path, O_RDWR | O_NONBLOCK);
  if (v->fd < 0) {
    fprintf(stderr, "c2w-machine: cannot open the network frame channel '%s': %s\n", path, strerror(errno));
    free(n);
    return 1;
  }
  /* QEMU's default guest MAC: the user-mode network expects nothing else but it is familiar */
  static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  memcpy(n->mac, mac, 6);
  v->net = n;
  v->device_id = VIRTIO_ID_NET;
  v->nqueues = 2;
  v->dev_features = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM |
                    VIRTIO_NET_F_HOST_TSO4;
  return 0;
}

void virtio_net_free(VirtioDev *v) {
  free(v->net);
  v->net = NULL;
}

void virtio_net_reset(VirtioDev *v) {
  if (v->net) v->net->tx_pending = false; /* the queues are gone: a held frame has no chain to return */
}

/* Waiting for input only makes sense while the guest has receive buffers (else a frame waiting in
 * the channel would end every wait at once), for room while a guest frame is held. */
short virtio_net_poll_events(Machine *m, VirtioDev *v) {
  if (!v->net || !(v->status & 4)) return 0;
  return (short)((virtq_has_avail(m, v, 0) ? POLLIN : 0) | (v->net->tx_pending ? POLLOUT : 0));
}

/* struct virtio_net_config: mac[6] first (status and the rest are not offered) */
uint64_t virtio_net_config_read(VirtioDev *v, uint64_t off, int size) {
  uint64_t val = 0;
  for (int i = 0; i < size && off + (uint64_t)i < 6; i++) val |= (uint64_t)v->net->mac[off + (uint64_t)i] << (8 * i);
  return val;
}

/* Hands the held frame, then queued guest frames, to the host until it is full. */
static bool transmit(Machine *m, VirtioDev *v) {
  NetState *n = v->net;
  VqChain *c = &m->vq_chain;
  bool used = false;
  for (;;) {
    if (!n->tx_pending) {
      if (virtq_pop(m, v, 1, c) <= 0) break;
      uint64_t len = c->out_len > NET_HDR_LEN ? c->out_len - NET_HDR_LEN : 0;
      if (len > NET_FRAME_MAX) len = 0; /* larger than any TSO segment: dropped */
      n->tx_len = (uint32_t)virtq_read(m, c, NET_HDR_LEN, n->tx, len);
      n->tx_head = c->head;
      n->tx_pending = true;
    }
    if (n->tx_len) {
      ssize_t w = write(v->fd, n->tx, n->tx_len);
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break; /* back-pressure: retried on the next poll */
    }
    /* written, or a failed channel: the frame is lost as on a cut cable, the chain returns */
    virtq_push(m, v, 1, n->tx_head, 0);
    n->tx_pending = false;
    used = true;
  }
  return used;
}

/* Moves frames from the host into the guest's receive buffers while it has some. */
static bool receive(Machine *m, VirtioDev *v) {
  NetState *n = v->net;
  VqChain *c = &m->vq_chain;
  bool used = false;
  while (virtq_has_avail(m, v, 0)) {
    ssize_t r = read(v->fd, n->rx, sizeof n->rx);
    if (r <= 0) break; /* EAGAIN: nothing yet; 0: the host closed the channel */
    if (virtq_pop(m, v, 0, c) <= 0) break;
    uint8_t hdr[NET_HDR_LEN] = {0};
    if (v->drv_features & VIRTIO_NET_F_GUEST_CSUM) hdr[0] = VIRTIO_NET_HDR_F_DATA_VALID;
    hdr[10] = 1; /* num_buffers */
    uint32_t len = 0;
    if (c->in_len >= NET_HDR_LEN + (uint64_t)r) { /* else too large for the buffer: dropped */
      virtq_write(m, c, 0, hdr, NET_HDR_LEN);
      virtq_write(m, c, NET_HDR_LEN, n->rx, (uint64_t)r);
      len = NET_HDR_LEN + (uint32_t)r;
    }
    virtq_push(m, v, 0, c->head, len);
    used = true;
  }
  return used;
}

/* Called on every run slice and after each wait: frames flow both ways without a guest kick. */
void virtio_net_poll(Machine *m, VirtioDev *v) {
  if (!v->net || !(v->status & 4) || !v->q[0].ready || !v->q[1].ready) return;
  bool any = transmit(m, v);
  any |= receive(m, v);
  if (any) virtio_notify_irq(m, v);
}

void virtio_net_queue_notify(Machine *m, VirtioDev *v, int q) {
  (void)q;
  virtio_net_poll(m, v);
}
