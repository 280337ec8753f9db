/* Host console: guest output to stdout (buffered, flushed at every slice end), guest input from
 * stdin without blocking the machine: poll() with a timeout (wasi-libc maps it to poll_oneoff with
 * an fd_read subscription and a clock subscription). Input is handed to the UART (or the
 * virtio-console when configured, or the c2w.stdin port with --stdin-port). */
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#ifndef __wasi__
#include <signal.h>
#include <termios.h>
#endif
#include "machine.h"

#ifndef __wasi__
/* Host terminal state, restored at exit: only the terminal's, not machine state. */
static struct termios saved_tio;
static void restore_tty(void) { tcsetattr(0, TCSANOW, &saved_tio); }
static void restore_tty_signal(int sig) {
  restore_tty();
  signal(sig, SIG_DFL);
  raise(sig);
}
#endif

/* When stdin is a terminal, pass keys to the guest one by one without local echo (the guest's
 * tty echoes); Ctrl-C still stops the host process. Pipes are left alone. */
void console_init(void) {
#ifndef __wasi__
  struct termios t;
  if (!isatty(0) || tcgetattr(0, &saved_tio) != 0) return;
  t = saved_tio;
  t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
  t.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (tcsetattr(0, TCSANOW, &t) != 0) return;
  atexit(restore_tty);
  signal(SIGINT, restore_tty_signal);
  signal(SIGTERM, restore_tty_signal);
  signal(SIGHUP, restore_tty_signal);
#endif
}

uint64_t host_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void console_flush(Machine *m) {
  uint32_t off = 0;
  while (off < m->outlen) {
    ssize_t n = write(1, m->outbuf + off, m->outlen - off);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* stdout shares a non-blocking file description (a socket also used as stdin): wait */
      struct timespec ts = {0, 1000000L};
      nanosleep(&ts, NULL);
      continue;
    }
    if (n <= 0) { if (n < 0 && errno == EINTR) continue; break; }
    off += (uint32_t)n;
  }
  m->outlen = 0;
}

void console_out(Machine *m, const uint8_t *buf, int n) {
  for (int i = 0; i < n; i++) {
    if (m->outlen == sizeof m->outbuf) console_flush(m);
    m->outbuf[m->outlen++] = buf[i];
  }
}

static VirtioDev *input_console(Machine *m, bool multiport) {
  for (int i = 0; i < VIRTIO_SLOTS; i++)
    if (m->virtio[i].device_id == VIRTIO_ID_CONSOLE && m->virtio[i].multiport == multiport && &m->virtio[i] != m->winsize) return &m->virtio[i];
  return NULL;
}

static void sleep_ms(int timeout_ms) {
  if (timeout_ms > 0) {
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
}

/* Wait up to timeout_ms for stdin (if want_stdin) and the network's frame channel; true when a
 * stdin read will not block. Frames that arrived are moved to the guest before returning.
 * node:wasi's poll_oneoff cannot wait on a regular file (`out.wasm < file`: epoll refuses it,
 * EPERM) and a read of one never blocks, so such a file is read directly; any other failure
 * idles instead of spinning. */
bool console_wait_input(Machine *m, bool want_stdin, int timeout_ms) {
  struct pollfd pfd[3];
  int n = 0;
  if (want_stdin) pfd[n++] = (struct pollfd){.fd = 0, .events = POLLIN};
  short net_events = m->net ? virtio_net_poll_events(m, m->net) : 0;
  if (net_events) pfd[n++] = (struct pollfd){.fd = m->net->fd, .events = net_events};
  /* a resize wakes an idle guest: the terminal's size is input too */
  if (m->winsize) pfd[n++] = (struct pollfd){.fd = m->winsize_fd, .events = POLLIN};
  if (!n) { sleep_ms(timeout_ms); return false; }
  int r = poll(pfd, (nfds_t)n, timeout_ms);
  if (m->net) virtio_net_poll(m, m->net);
  if (m->winsize) winsize_poll(m);
  if (r < 0) {
    struct stat st;
    if (want_stdin && fstat(0, &st) == 0 && S_ISREG(st.st_mode)) return true;
    sleep_ms(timeout_ms);
    return false;
  }
  return want_stdin && r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR));
}

/* --stdin-port: stdin goes into the port's buffer (up to VC_IN_BUF bytes ahead of the guest) and
 * from there into guest buffers while the guest has the port open. The console gate does not
 * apply: Linux buffers port data itself and the port's open state already says when the guest
 * is ready (data for a port nobody has open would be discarded). */
static void port_poll_input(Machine *m, VirtioDev *v, int timeout_ms) {
  virtio_console_port_pump(m, v);
  uint32_t space = m->stdin_eof ? 0 : VC_IN_BUF - v->in_len;
  if (!space) { console_wait_input(m, false, timeout_ms); return; }
  if (console_wait_input(m, true, timeout_ms)) {
    ssize_t n = read(0, v->in + v->in_len, space);
    if (n <= 0) m->stdin_eof = true;
    else v->in_len += (uint32_t)n;
    virtio_console_port_pump(m, v);
  }
}

/* Wait up to timeout_ms for stdin; move what is available into the guest's console. */
void console_poll_input(Machine *m, int timeout_ms) {
  VirtioDev *port = m->port_detached ? NULL : input_console(m, true);
  if (port) { port_poll_input(m, port, timeout_ms); return; }
  if (m->stdin_eof || m->console_gated) { console_wait_input(m, false, timeout_ms); return; }
  VirtioDev *vc = input_console(m, false);
  int space = vc ? (virtio_console_can_receive(m, vc) ? 64 : 0) : uart_rx_space(m);
  if (space <= 0) { console_wait_input(m, false, timeout_ms); return; }
  uint8_t buf[256];
  if (space > (int)sizeof buf) space = (int)sizeof buf;
  if (console_wait_input(m, true, timeout_ms)) {
    ssize_t n = read(0, buf, (size_t)space);
    if (n <= 0) { m->stdin_eof = true; return; }
    if (vc) virtio_console_receive(m, vc, buf, (int)n);
    else uart_receive(m, buf, (int)n);
  }
}
