/* virtio-console (virtio 1.1 section 5.3) in two shapes:
 * - single port (--virtio-console): receiveq 0 carries host stdin to the guest (hvc), transmitq 1
 *   carries guest output to host stdout;
 * - multiport (--stdin-port, section 5.3.6.2): one generic port 0 named "c2w.stdin" that takes host
 *   stdin and has an end: once stdin is at EOF and every byte is in guest buffers, the device sends
 *   PORT_OPEN 0 (host disconnected), and Linux's read() on /dev/vportNp0 then returns 0.
 *   Queues: 0/1 port 0 receive/transmit, 2/3 control receive/transmit (max_nr_ports = 1).
 * - the same multiport shape with port 0 named "c2w.winsize" (--winsize, winsize.c): its input is
 *   the host terminal's size as text lines, it never ends. A device of its own, because Linux
 *   acts on VIRTIO_CONSOLE_RESIZE only for hvc console ports, not for a generic port.
 * Linux discards data that reaches a generic port nobody has open, so port input flows only
 * while the guest has the port open (its PORT_OPEN 1); that is this path's console gate. */
#include <stdlib.h>
#include <string.h>
#include "virtio.h"

#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_CONSOLE_F_MULTIPORT (1ULL << 1)

/* control events (include/uapi/linux/virtio_console.h) */
enum { VC_DEVICE_READY = 0, VC_PORT_ADD = 1, VC_PORT_READY = 3, VC_PORT_OPEN = 6, VC_PORT_NAME = 7 };
/* ctrl_pending bits, sent in this order */
enum { VC_SEND_ADD = 1, VC_SEND_NAME = 2, VC_SEND_OPEN = 4, VC_SEND_CLOSE = 8 };
#define PORT_NAME_MAX 16

int virtio_console_init(Machine *m, VirtioDev *v, bool multiport) {
  (void)m;
  v->device_id = VIRTIO_ID_CONSOLE;
  v->nqueues = multiport ? 4 : 2;
  v->dev_features = VIRTIO_F_VERSION_1 | (multiport ? VIRTIO_CONSOLE_F_MULTIPORT : 0);
  v->fd = -1;
  v->multiport = multiport;
  v->port_name = "c2w.stdin";
  if (multiport) {
    v->in = malloc(VC_IN_BUF);
    if (!v->in) return -1;
  }
  return 0;
}

/* The driver reset the device: it will negotiate again (DEVICE_READY ...). Unread input stays. */
void virtio_console_reset(VirtioDev *v) {
  v->guest_open = false;
  v->ctrl_pending = 0;
  v->host_open_sent = v->host_closed_sent = false;
}

/* struct virtio_console_config: cols, rows (le16), max_nr_ports (le32) at 4, emerg_wr at 8 */
uint64_t virtio_console_config_read(VirtioDev *v, uint64_t off, int size) {
  uint8_t cfg[12] = {0};
  if (v->multiport) cfg[4] = 1;
  uint64_t val = 0;
  for (int i = 0; i < size && off + (uint64_t)i < sizeof cfg; i++) val |= (uint64_t)cfg[off + (uint64_t)i] << (8 * i);
  return val;
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

/* One device -> driver control message (struct virtio_console_control: le32 id, le16 event,
 * le16 value; PORT_NAME is followed by the name) into a control receiveq buffer. */
static bool send_control(Machine *m, VirtioDev *v, uint16_t event, uint16_t value) {
  VqChain *c = &m->vq_chain;
  if (virtq_pop(m, v, 2, c) <= 0) return false;
  uint8_t msg[8 + PORT_NAME_MAX] = {0}; /* id 0: the only port */
  msg[4] = (uint8_t)event; msg[5] = (uint8_t)(event >> 8);
  msg[6] = (uint8_t)value; msg[7] = (uint8_t)(value >> 8);
  uint64_t len = 8;
  size_t name_len = strnlen(v->port_name, PORT_NAME_MAX);
  if (event == VC_PORT_NAME) { memcpy(msg + 8, v->port_name, name_len); len += name_len; }
  uint64_t k = virtq_write(m, c, 0, msg, len);
  virtq_push(m, v, 2, c->head, (uint32_t)k);
  return true;
}

/* Moves buffered host input into the guest's port buffers (while the guest has the port open),
 * sends pending control messages, and reports EOF once stdin ended and nothing is left. */
void virtio_console_port_pump(Machine *m, VirtioDev *v) {
  if (!v->multiport || !(v->status & 4)) return;
  VqChain *c = &m->vq_chain;
  bool any = false;
  if (v->guest_open && v->in_len) {
    uint32_t off = 0;
    while (off < v->in_len && virtq_pop(m, v, 0, c) > 0) {
      uint64_t k = v->in_len - off < c->in_len ? v->in_len - off : c->in_len;
      k = virtq_write(m, c, 0, v->in + off, k);
      virtq_push(m, v, 0, c->head, (uint32_t)k);
      off += (uint32_t)k;
      any = true;
    }
    memmove(v->in, v->in + off, v->in_len - off);
    v->in_len -= off;
  }
  for (;;) {
    /* host_connected must stay 1 while input may still come: close only after OPEN went out */
    if (v != m->winsize && m->stdin_eof && !v->in_len && v->host_open_sent && !v->host_closed_sent) v->ctrl_pending |= VC_SEND_CLOSE;
    if (!v->ctrl_pending) break;
    int bit = v->ctrl_pending & -v->ctrl_pending;
    bool sent = bit == VC_SEND_ADD ? send_control(m, v, VC_PORT_ADD, 0)
              : bit == VC_SEND_NAME ? send_control(m, v, VC_PORT_NAME, 1)
              : send_control(m, v, VC_PORT_OPEN, bit == VC_SEND_OPEN ? 1 : 0);
    if (!sent) break;
    v->ctrl_pending &= (uint8_t)~bit;
    if (bit == VC_SEND_OPEN) v->host_open_sent = true;
    if (bit == VC_SEND_CLOSE) v->host_closed_sent = true;
    any = true;
  }
  if (any) virtio_notify_irq(m, v);
}

/* Driver -> device control messages (control transmitq 3). */
static void control_in(Machine *m, VirtioDev *v) {
  VqChain *c = &m->vq_chain;
  while (virtq_pop(m, v, 3, c) > 0) {
    uint8_t msg[8] = {0};
    if (virtq_read(m, c, 0, msg, sizeof msg) == sizeof msg) {
      uint32_t id = (uint32_t)msg[0] | (uint32_t)msg[1] << 8 | (uint32_t)msg[2] << 16 | (uint32_t)msg[3] << 24;
      uint16_t event = (uint16_t)(msg[4] | msg[5] << 8), value = (uint16_t)(msg[6] | msg[7] << 8);
      if (event == VC_DEVICE_READY && value == 1) v->ctrl_pending |= VC_SEND_ADD;
      else if (event == VC_PORT_READY && id == 0 && value == 1) v->ctrl_pending |= VC_SEND_NAME | VC_SEND_OPEN;
      else if (event == VC_PORT_OPEN && id == 0) v->guest_open = value != 0;
    }
    virtq_push(m, v, 3, c->head, 0);
  }
  virtio_notify_irq(m, v);
}

void virtio_console_queue_notify(Machine *m, VirtioDev *v, int q) {
  VqChain *c = &m->vq_chain;
  if (v->multiport) {
    if (q == 3) control_in(m, v);
    if (q == 1) { /* the port is input only (stdin, winsize): what the guest writes to it is dropped */
      while (virtq_pop(m, v, 1, c) > 0) virtq_push(m, v, 1, c->head, 0);
      virtio_notify_irq(m, v);
    }
    virtio_console_port_pump(m, v); /* q 0 and 2: new receive buffers */
    return;
  }
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
