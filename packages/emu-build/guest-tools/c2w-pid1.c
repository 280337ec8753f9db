/*
 * c2w-pid1 COMMAND [ARG...]: the container's PID 1 for images that run through qemu-user, as
 * docker's --init (tini) is (docs/decisions/0065-an-init-for-emulated-containers.md).
 *
 * A PID namespace's init gets no signal it has no handler for. qemu-user, on a fatal signal of its
 * program, dumps, resets the handler and kill()s itself: as PID 1 that signal is dropped and qemu
 * waits in sigsuspend for ever. So this program is PID 1 instead: it starts COMMAND (looked up in
 * PATH as execvp does) in a process group of its own, the terminal's foreground one if there is a
 * terminal; passes every signal it gets on to it; reaps every child; and exits with COMMAND's
 * status, 128+N when signal N ended it. COMMAND not found: 127; found but not runnable: 126.
 * Freestanding (raw syscalls, no libc; freestanding.h), like c2w-xattrs: a few KiB that build the same anywhere.
 */
#include "freestanding.h"

#if defined(__x86_64__)
enum { NR_write = 1, NR_rt_sigprocmask = 14, NR_ioctl = 16, NR_getpid = 39, NR_clone = 56, NR_execve = 59, NR_wait4 = 61, NR_kill = 62,
  NR_setpgid = 109, NR_rt_sigtimedwait = 128, NR_exit_group = 231 };
#else
enum { NR_ioctl = 29, NR_write = 64, NR_exit_group = 94, NR_kill = 129, NR_rt_sigprocmask = 135, NR_rt_sigtimedwait = 137,
  NR_setpgid = 154, NR_getpid = 172, NR_clone = 220, NR_execve = 221, NR_wait4 = 260 };
#endif

/* the same values on both architectures */
#define SIG_SETMASK 2
#define SIGCHLD 17
#define WNOHANG 1
#define TIOCSPGRP 0x5410
#define E_NOENT 2
#define E_ACCES 13
#define E_NOTDIR 20
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static size_t len_(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static void say(const char *s) { sys4(NR_write, 2, (long)s, (long)len_(s), 0); }
static void sayNum(unsigned long v) {
  char num[24];
  int i = sizeof num;
  num[--i] = 0;
  do num[--i] = (char)('0' + v % 10); while ((v /= 10) && i > 0);
  say(num + i);
}
static __attribute__((noreturn)) void quit(int code) { for (;;) sys4(NR_exit_group, code, 0, 0, 0); }

static char path[4096];

/* execvp without the /bin/sh fallback (runc and crun have none either); returns only on failure */
static long run(char **argv, char **envp) {
  const char *name = argv[0];
  for (const char *p = name; *p; p++) if (*p == '/') return sys4(NR_execve, (long)name, (long)argv, (long)envp, 0);
  const char *dirs = DEFAULT_PATH;
  for (char **e = envp; *e; e++) {
    const char *v = *e;
    if (v[0] == 'P' && v[1] == 'A' && v[2] == 'T' && v[3] == 'H' && v[4] == '=') dirs = v + 5;
  }
  size_t nl = len_(name);
  long err = -E_NOENT;
  for (const char *d = dirs;; d++) {
    const char *end = d;
    while (*end && *end != ':') end++;
    size_t dl = (size_t)(end - d);
    if (dl + 1 + nl < sizeof path) {
      size_t at = 0;
      for (const char *s = d; s < end; s++) path[at++] = *s;
      if (dl) path[at++] = '/'; /* an empty entry is the working directory */
      for (size_t i = 0; i <= nl; i++) path[at++] = name[i];
      long r = sys4(NR_execve, (long)path, (long)argv, (long)envp, 0);
      if (r == -E_ACCES) err = r; /* remembered; a later directory may still have it */
      else if (r != -E_NOENT && r != -E_NOTDIR) return r;
    }
    if (!*end) return err;
    d = end;
  }
}

__attribute__((used)) void c_start(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
  if (argc < 2) { say("usage: c2w-pid1 COMMAND [ARG...]\n"); quit(125); }
  unsigned long all = ~0UL, old = 0;
  /* blocked, every signal stays pending for sigtimedwait: a PID 1 would drop the unhandled ones */
  sys4(NR_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8);
  long child = sys4(NR_clone, SIGCHLD, 0, 0, 0);
  if (child < 0) { say("c2w-pid1: cannot start a process\n"); quit(125); }
  if (child == 0) {
    /* its own process group, the terminal's foreground one: ^C reaches it once, not through us too */
    int pgid = (int)sys4(NR_getpid, 0, 0, 0, 0);
    sys4(NR_setpgid, 0, 0, 0, 0);
    sys4(NR_ioctl, 0, TIOCSPGRP, (long)&pgid, 0); /* fails without a terminal: nothing to do then */
    sys4(NR_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
    long r = run(argv + 1, envp);
    /* the words crun uses when it cannot find a native image's command */
    say("executable file `"); say(argv[1]);
    if (r == -E_NOENT) say("` not found in $PATH: No such file or directory\n");
    else if (r == -E_ACCES) say("` cannot be run: Permission denied\n");
    else { say("` cannot be run: errno "); sayNum((unsigned long)-r); say("\n"); }
    quit(r == -E_NOENT ? 127 : 126);
  }
  for (;;) {
    char info[128] __attribute__((aligned(8)));
    long sig = sys4(NR_rt_sigtimedwait, (long)&all, (long)info, 0, 8);
    if (sig <= 0) continue; /* EINTR (a stop and continue) or EAGAIN */
    if (sig != SIGCHLD) { sys4(NR_kill, child, sig, 0, 0); continue; }
    for (;;) {
      int status = 0;
      long pid = sys4(NR_wait4, -1, (long)&status, WNOHANG, 0);
      if (pid <= 0) break;
      if (pid != child) continue;
      /* the command is done; the kernel ends whatever else is left in the namespace */
      quit((status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff);
    }
  }
}
