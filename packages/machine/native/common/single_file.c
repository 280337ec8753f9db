/* The single-file form (docs/decisions/0024-single-file-run-request.md): `c2w convert IMAGE out.wasm`
 * embeds the boot files and the image's run defaults under the vfs-embed mount /embed. When they
 * are there, the module's own WASI arguments, environment, preopened directories and clock are
 * the run request: this file composes the run channel tar (ADR 0007) in memory, as the bundle
 * form's host does on disk, and hands it to the machine as a RAM-backed read-only disk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif
#include "machine.h"

#define EMBED "/embed/"
#define ME "c2w"
#define MAX_MOUNTS SINGLE_FILE_MAX_MOUNTS
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- a growable byte buffer ---- */
typedef struct Buf { char *p; size_t n, cap; } Buf;
static void put(Buf *b, const void *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    while (b->n + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { fputs(ME ": out of memory\n", stderr); exit(1); }
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}
static void puts_(Buf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string: quotes, backslashes and control bytes escaped; other bytes as they are. */
static void put_json(Buf *b, const char *s) {
  puts_(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[8];
    if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(b, esc, 2); }
    else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); puts_(b, esc); }
    else put(b, s, 1);
  }
  puts_(b, "\"");
}

/* ---- embedded files ---- */
static char *read_embed(const char *name, size_t *len) {
  char path[64];
  snprintf(path, sizeof path, EMBED "%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  Buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) put(&b, chunk, n);
  fclose(f);
  if (!b.p) put(&b, "", 0);
  if (len) *len = b.n;
  return b.p;
}

/* A list of strings: NUL-terminated entries back to back (the embedded image defaults' format). */
typedef struct List { char **v; int n; } List;
static void list_add(List *l, const char *s) {
  l->v = realloc(l->v, sizeof *l->v * (size_t)(l->n + 1));
  l->v[l->n++] = strdup(s);
}
static List nul_list(const char *name) {
  List l = {0};
  size_t len;
  char *text = read_embed(name, &len);
  for (size_t i = 0; text && i < len; i += strlen(text + i) + 1) list_add(&l, text + i);
  free(text);
  return l;
}

/* Docker's env merge: a later KEY=VALUE replaces the earlier one in its place. */
static int env_set(List *env, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq || eq == kv) return -1;
  size_t k = (size_t)(eq - kv) + 1;
  for (int i = 0; i < env->n; i++)
    if (!strncmp(env->v[i], kv, k)) { free(env->v[i]); env->v[i] = strdup(kv); return 0; }
  list_add(env, kv);
  return 0;
}

/* ---- the container's user: uid[:gid] or names from the image's passwd/group (name:uid:gid) ---- */
static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++) if (*s < '0' || *s > '9') return false;
  return true;
}
static bool db_find(const char *db, const char *name, bool by_uid, unsigned long *a, unsigned long *b) {
  for (const char *line = db; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    char buf[512];
    if (n < sizeof buf) {
      memcpy(buf, line, n);
      buf[n] = 0;
      char *c1 = strchr(buf, ':');
      if (c1) {
        *c1 = 0;
        char *c2 = strchr(c1 + 1, ':');
        unsigned long x = strtoul(c1 + 1, NULL, 10), y = c2 ? strtoul(c2 + 1, NULL, 10) : 0;
        if (by_uid ? x == strtoul(name, NULL, 10) : !strcmp(buf, name)) { *a = x; *b = y; return true; }
      }
    }
    line = end ? end + 1 : NULL;
  }
  return false;
}
static int resolve_user(const char *spec, unsigned long *uid, unsigned long *gid) {
  *uid = *gid = 0;
  if (!*spec) return 0;
  char *user = strdup(spec), *group = strchr(user, ':');
  if (group) *group++ = 0;
  char *passwd = read_embed("passwd", NULL), *groups = read_embed("group", NULL);
  unsigned long g = 0, unused;
  bool have_gid = false;
  int rc = 0;
  if (all_digits(user)) {
    *uid = strtoul(user, NULL, 10);
    have_gid = db_find(passwd, user, true, &unused, &g);
  } else if (db_find(passwd, user, false, uid, &g)) have_gid = true;
  else { fprintf(stderr, ME ": user \"%s\" is not in the image's /etc/passwd\n", user); rc = 1; }
  if (!rc && group) {
    if (all_digits(group)) { g = strtoul(group, NULL, 10); have_gid = true; }
    else if (db_find(groups, group, false, &g, &unused)) have_gid = true;
    else { fprintf(stderr, ME ": group \"%s\" is not in the image's /etc/group\n", group); rc = 1; }
  }
  *gid = have_gid ? g : 0;
  free(user); free(passwd); free(groups);
  return rc;
}

/* ---- options before the command (container2wasm's --entrypoint and --env, Docker's -e -w -u) ---- */
typedef struct Request {
  const char *entrypoint, *workdir, *user;
  List env;       /* -e KEY=VALUE, in order */
  char **args;    /* the command: replaces the image's Cmd */
  int nargs;
  bool debug;
  bool init;      /* --init: our PID 1 program before the command, as docker run --init (ADR 0065) */
  int stdin_mode; /* 0 = detect (isatty), 1 = pipe (the c2w.stdin port, with an end), 2 = tty (console) */
} Request;

static const char *USAGE =
  "usage: out.wasm [options] [--] [COMMAND [ARG...]]\n"
  "  COMMAND replaces the image's Cmd (docker run IMAGE COMMAND); the host's WASI environment\n"
  "  reaches the container, and each preopened directory is mounted at its own path.\n"
  "  --entrypoint PROG     replace the image's Entrypoint\n"
  "  -e, --env KEY=VALUE   set an environment variable (repeatable)\n"
  "  -w, --workdir DIR     working directory inside the container\n"
  "  -u, --user USER[:GROUP]  user (name or uid) inside the container\n"
  "  --stdin pipe|tty      the container's stdin: a pipe that ends with the input, or the console\n"
  "                        (default: tty when the host says stdin is a terminal; Bun says so always)\n"
  "  --init                our init as the container's PID 1 (docker run --init): it passes\n"
  "                        signals on and reaps (an image of another architecture has it anyway)\n"
  "  --guest-debug         show kernel and init messages\n"
  "  (no --net or -p: WASI preview1 has no sockets; `c2w run --net` of the bundle directory has a network)\n";

static int parse_request(Request *r, int argc, char **argv) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i], *val = NULL;
    char flag[32];
    if (!strcmp(a, "--")) { i++; break; }
    if (a[0] != '-' || !a[1]) break;
    const char *eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL;
    if (eq && (size_t)(eq - a) < sizeof flag) {
      memcpy(flag, a, (size_t)(eq - a));
      flag[eq - a] = 0;
      a = flag;
      val = eq + 1;
    }
    bool takes = !strcmp(a, "--entrypoint") || !strcmp(a, "-e") || !strcmp(a, "--env") || !strcmp(a, "-w") ||
                 !strcmp(a, "--workdir") || !strcmp(a, "-u") || !strcmp(a, "--user") || !strcmp(a, "--stdin");
    if (takes && !val) {
      if (i + 1 >= argc) { fprintf(stderr, ME ": %s needs a value\n", a); return 2; }
      val = argv[++i];
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(USAGE, stdout); return -1; }
    else if (!strcmp(a, "--net") || !strcmp(a, "-p") || !strcmp(a, "--publish")) {
      /* said outright rather than "unknown option": users of c2w run expect these to exist */
      fprintf(stderr, ME ": %s: this single .wasm has no network (WASI preview1 has no sockets); run the bundle directory with c2w run --net\n", a);
      return 2;
    }
    else if (!strcmp(a, "--entrypoint")) r->entrypoint = val;
    else if (!strcmp(a, "-w") || !strcmp(a, "--workdir")) r->workdir = val;
    else if (!strcmp(a, "-u") || !strcmp(a, "--user")) r->user = val;
    else if (!strcmp(a, "--guest-debug")) r->debug = true;
    else if (!strcmp(a, "--init")) r->init = true;
    else if (!strcmp(a, "--stdin")) {
      if (strcmp(val, "pipe") && strcmp(val, "tty")) { fprintf(stderr, ME ": --stdin %s: expected pipe or tty\n", val); return 2; }
      r->stdin_mode = !strcmp(val, "pipe") ? 1 : 2;
    }
    else if (!strcmp(a, "-e") || !strcmp(a, "--env")) {
      const char *e = strchr(val, '=');
      if (!e || e == val) { fprintf(stderr, ME ": %s %s: expected KEY=VALUE\n", a, val); return 2; }
      list_add(&r->env, val);
    } else {
      fprintf(stderr, ME ": unknown option '%s' before the command (try --help; put -- before a command that starts with '-')\n", argv[i]);
      return 2;
    }
  }
  r->args = argv + i;
  r->nargs = argc - i;
  return 0;
}

/* ---- preopened directories -> 9p shares mounted at the same path in the container ---- */
typedef struct Mount { char *path; } Mount;

static int preopens(Mount *out) {
  int n = 0;
#ifdef __wasi__
  /* wasi-libc numbers preopens from fd 3 up to the first EBADF; vfs-embed's mount is among them */
  for (__wasi_fd_t fd = 3; fd < 3 + 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    size_t len = ps.u.dir.pr_name_len;
    char *name = calloc(1, len + 1);
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len) != 0) { free(name); continue; }
    while (len > 1 && name[len - 1] == '/') name[--len] = 0;
    /* relative names (wasmtime --dir .) and / have no place in the container; /embed is ours */
    if (name[0] != '/' || !name[1] || !strcmp(name, "/embed")) { free(name); continue; }
    if (n == MAX_MOUNTS) {
      fprintf(stderr, ME ": too many preopened directories (at most %d)\n", MAX_MOUNTS);
      free(name);
      return -1;
    }
    out[n++].path = name;
  }
#endif
  (void)out;
  return n;
}

/* ---- config.json: the image-derived template with the request put in at its markers ---- */
static int substitute(Buf *out, const char *tpl, const char *marker, const Buf *value) {
  const char *at = strstr(tpl, marker);
  if (!at) { fprintf(stderr, ME ": embedded config.json has no %s marker (a bug in c2w convert)\n", marker); return -1; }
  put(out, tpl, (size_t)(at - tpl));
  put(out, value->p ? value->p : "", value->n);
  puts_(out, at + strlen(marker));
  return 0;
}

/* A marker only some templates have: the init's mount, present where --init can add it. */
static int substitute_optional(Buf *out, const char *tpl, const char *marker, const Buf *value) {
  if (strstr(tpl, marker)) return substitute(out, tpl, marker, value);
  if (value->n) { fprintf(stderr, ME ": embedded config.json has no %s marker (a bug in c2w convert)\n", marker); return -1; }
  puts_(out, tpl);
  return 0;
}

static void json_array(Buf *b, char **v, int n) {
  puts_(b, "[");
  for (int i = 0; i < n; i++) { if (i) puts_(b, ","); put_json(b, v[i]); }
  puts_(b, "]");
}

static int compose_config(Buf *json, const Request *r, char **environ_, Mount *mounts, int nmounts, unsigned long *uid_out, unsigned long *gid_out) {
  List ep = r->entrypoint ? (List){0} : nul_list("entrypoint"), cmd = {0}, env = {0};
  if (r->entrypoint) list_add(&ep, r->entrypoint);
  if (r->nargs) for (int i = 0; i < r->nargs; i++) list_add(&cmd, r->args[i]);
  else if (!r->entrypoint) cmd = nul_list("cmd");
  if (!ep.n && !cmd.n) { fputs(ME ": nothing to run: the image has no Entrypoint or Cmd and no command was given\n", stderr); return 2; }
  List image_env = nul_list("env");
  env_set(&env, DEFAULT_PATH);
  for (int i = 0; i < image_env.n; i++) env_set(&env, image_env.v[i]);
  for (char **e = environ_; e && *e; e++) env_set(&env, *e); /* entries without '=' are skipped */
  for (int i = 0; i < r->env.n; i++) env_set(&env, r->env.v[i]);

  char *image_user = read_embed("user", NULL), *image_dir = read_embed("workdir", NULL);
  unsigned long uid, gid;
  int rc = resolve_user(r->user ? r->user : image_user ? image_user : "", &uid, &gid);
  if (rc) return rc;
  *uid_out = uid;
  *gid_out = gid;

  Buf args = {0}, envs = {0}, cwd = {0}, user = {0}, binds = {0}, init_mount = {0};
  /* the container's PID 1 before the command, for images that run through qemu-user (ADR 0065) */
  List all = nul_list("init");
  if (r->init && !all.n) {
    /* --init for an image that runs without it: the program and its mount, from their own parts */
    all = nul_list("init-forced");
    char *mount = read_embed("init-mount", NULL);
    if (!all.n || !mount) {
      fputs(ME ": --init: this module has no init program (made by an older c2w convert); convert the image again\n", stderr);
      return 2;
    }
    puts_(&init_mount, mount);
    free(mount);
  }
  for (int i = 0; i < ep.n; i++) list_add(&all, ep.v[i]);
  for (int i = 0; i < cmd.n; i++) list_add(&all, cmd.v[i]);
  json_array(&args, all.v, all.n);
  json_array(&envs, env.v, env.n);
  const char *dir = r->workdir && *r->workdir ? r->workdir : image_dir && *image_dir ? image_dir : "/";
  put_json(&cwd, dir);
  char ids[64];
  snprintf(ids, sizeof ids, "{\"uid\":%lu,\"gid\":%lu}", uid, gid);
  puts_(&user, ids);
  for (int i = 0; i < nmounts; i++) {
    char src[48];
    snprintf(src, sizeof src, "/run/c2w/mnt/%d", i);
    puts_(&binds, ",{\"destination\":");
    put_json(&binds, mounts[i].path);
    puts_(&binds, ",\"type\":\"bind\",\"source\":");
    put_json(&binds, src);
    puts_(&binds, ",\"options\":[\"rbind\",\"rw\"]}");
  }
  char *tpl = read_embed("config.json", NULL);
  if (!tpl) { fputs(ME ": no embedded config.json (a bug in c2w convert)\n", stderr); return 1; }
  const char *markers[] = {"\"@c2w:args@\"", "\"@c2w:env@\"", "\"@c2w:cwd@\"", "\"@c2w:user@\"", ",\"@c2w:mounts@\"", ",\"@c2w:init@\""};
  const Buf *values[] = {&args, &envs, &cwd, &user, &binds, &init_mount};
  char *cur = tpl;
  for (int i = 0; i < 6; i++) {
    Buf next = {0};
    if ((i < 5 ? substitute : substitute_optional)(&next, cur, markers[i], values[i])) return 1;
    free(cur);
    cur = next.p;
  }
  puts_(json, cur);
  puts_(json, "\n");
  free(cur);
  return 0;
}

/* ---- the run channel: a ustar archive (POSIX.1-2001 pax "ustar" header, 512-byte blocks) ---- */
static void tar_add(Buf *t, const char *name, char type, const char *data, size_t len) {
  char h[512];
  memset(h, 0, sizeof h);
  snprintf(h, 100, "%s", name);
  snprintf(h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
  snprintf(h + 108, 8, "%07o", 0);
  snprintf(h + 116, 8, "%07o", 0);
  snprintf(h + 124, 12, "%011lo", (unsigned long)len);
  snprintf(h + 136, 12, "%011o", 0);
  h[156] = type;
  memcpy(h + 257, "ustar", 6);
  memcpy(h + 263, "00", 2);
  memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; i++) sum += (unsigned char)h[i];
  snprintf(h + 148, 8, "%06o", sum);
  put(t, h, 512);
  put(t, data, len);
  static const char zero[512];
  if (len % 512) put(t, zero, 512 - len % 512);
}

/* The run request from the module's WASI arguments, environment, preopens and clock: the run
 * channel tar and the shares and stdin mode the machine binds for it. */
int single_file_request(RunRequest *out, const char *arch, size_t arch_len, int argc, char **argv) {
  Request r = {0};
  int rc = parse_request(&r, argc, argv);
  if (rc) return rc;
  extern char **environ;
  Mount mounts[MAX_MOUNTS];
  int nmounts = preopens(mounts);
  if (nmounts < 0) return 2;
  Buf json = {0};
  unsigned long uid, gid;
  rc = compose_config(&json, &r, environ, mounts, nmounts, &uid, &gid);
  if (rc) return rc;

  /* a pipe or a file: the container's stdin ends where the input ends (ADR 0010) */
  bool port = r.stdin_mode ? r.stdin_mode == 1 : !isatty(0);
  Buf tar = {0}, lines = {0};
  char text[64];
  tar_add(&tar, "c2w/", '5', "", 0);
  tar_add(&tar, "c2w/arch", '0', arch, arch_len);
  snprintf(text, sizeof text, "%lld\n", (long long)time(NULL));
  tar_add(&tar, "c2w/time", '0', text, strlen(text));
  for (int i = 0; i < nmounts; i++) {
    snprintf(text, sizeof text, "%d c2w%d rw\n", i, i);
    puts_(&lines, text);
  }
  if (nmounts) tar_add(&tar, "c2w/mounts", '0', lines.p, lines.n);
  tar_add(&tar, "c2w/stdin", '0', port ? "port\n" : "tty\n", port ? 5 : 4);
  tar_add(&tar, "config.json", '0', json.p, json.n);
  static const char end[1024];
  put(&tar, end, sizeof end);
  *out = (RunRequest){.tar = (uint8_t *)tar.p, .tar_len = tar.n, .nmounts = nmounts, .uid = (uint32_t)uid,
                      .gid = (uint32_t)gid, .port = port, .debug = r.debug};
  for (int i = 0; i < nmounts; i++) out->mounts[i] = mounts[i].path;
  return 0;
}

int single_file_config(Config *cfg, int argc, char **argv) {
#ifndef __wasi__
  /* natively /embed is a host directory, not vfs-embed's mount: a one-file run only when asked
   * (C2W_NATIVE_EMBED=1, to profile one natively), never because a host happens to have /embed */
  if (!getenv("C2W_NATIVE_EMBED")) return SINGLE_FILE_NONE;
#endif
  size_t len;
  char *arch = read_embed("arch", &len);
  if (!arch) return SINGLE_FILE_NONE; /* a plain machine.wasm, or the native machine */
  char *machine_argv[] = {argv[0], "--config", EMBED "machine.json", NULL};
  /* the request first: its usage errors come before any file of the machine's is read */
  RunRequest r;
  int rc = single_file_request(&r, arch, len, argc, argv);
  if (rc) return rc;
  rc = config_parse(cfg, 3, machine_argv);
  if (rc) return rc;

  if (cfg->ndrives >= MAX_DRIVES) { fputs(ME ": too many drives\n", stderr); return 2; }
  DriveConfig *d = &cfg->drives[cfg->ndrives++];
  d->path = strdup("(run channel)");
  d->readonly = true;
  d->data = r.tar;
  d->data_size = r.tar_len;
  char text[64];
  for (int i = 0; i < r.nmounts; i++) {
    ShareConfig *s = &cfg->shares[cfg->nshares++];
    s->path = r.mounts[i];
    snprintf(text, sizeof text, "c2w%d", i);
    s->tag = strdup(text);
    /* files in a mount belong to the container's user, who can then write there (ADR 0009) */
    s->uid = r.uid;
    s->gid = r.gid;
  }
  cfg->stdin_port = r.port;
  if (r.debug) {
    cfg->quiet_firmware = false;
    Buf append = {0};
    puts_(&append, cfg->append ? cfg->append : "");
    puts_(&append, " c2w.debug=1 loglevel=7");
    free(cfg->append);
    cfg->append = append.p;
  }
  free(arch);
  return 0;
}
