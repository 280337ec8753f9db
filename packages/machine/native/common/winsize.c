/* The host terminal's size for `c2w run -t` (docs/decisions/0036-container-tty.md): --winsize
 * CHANNEL adds a multiport virtio-console (virtio_console.c) whose port "c2w.winsize" the guest
 * init reads as text lines "ROWS COLS\n". Each read of CHANNEL returns one size record (le16
 * rows, le16 cols) or EAGAIN: the Node host and the page answer it from memory (wasi-winsize.ts,
 * web/console-input.js); natively it is a FIFO the caller writes records into.
 * Only the newest size matters: an unread one is replaced, never queued behind older ones. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "machine.h"

int winsize_port_init(Machine *m, VirtioDev *v, const char *channel) {
  /* O_RDWR keeps a FIFO from reporting POLLHUP (busy polling) once a writer has come and gone */
  int fd = open(channel, O_RDWR | O_NONBLOCK);
  if (fd < 0) fd = open(channel, O_RDONLY | O_NONBLOCK);
  if (fd < 0) { fprintf(stderr, "c2w-machine: cannot open the window size channel %s: %s\n", channel, strerror(errno)); return -1; }
  if (virtio_console_init(m, v, true)) { close(fd); fprintf(stderr, "c2w-machine: out of memory\n"); return -1; }
  v->port_name = "c2w.winsize";
  m->winsize = v;
  m->winsize_fd = fd;
  return 0;
}

/* Reads every record waiting on the channel and queues the newest as the port's next line. */
void winsize_poll(Machine *m) {
  VirtioDev *v = m->winsize;
  uint8_t rec[4];
  bool got = false;
  uint16_t rows = 0, cols = 0;
  for (;;) {
    ssize_t n = read(m->winsize_fd, rec, sizeof rec);
    if (n != (ssize_t)sizeof rec) break; /* EAGAIN, end of a file, or a short record: nothing more */
    rows = (uint16_t)(rec[0] | rec[1] << 8);
    cols = (uint16_t)(rec[2] | rec[3] << 8);
    got = true;
  }
  if (got) {
    int k = snprintf((char *)v->in, VC_IN_BUF, "%u %u\n", rows, cols);
    v->in_len = (uint32_t)k; /* replaces a line the guest has not taken yet */
  }
  virtio_console_port_pump(m, v);
}
