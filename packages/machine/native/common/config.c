/* Machine configuration from command-line flags and/or a JSON file (README.md "CLI contract").
 * Errors are one line on stderr naming the flag, file or value; config_parse returns 2 for usage
 * errors, 1 for bad input (unreadable or invalid config file), -1 when --help was shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "machine.h"

#define MIN_MEMORY (16ULL << 20)
#ifdef __wasm__
#define MAX_MEMORY (2ULL << 30) /* wasm32: 4 GiB address space and sbrk steps below 2 GiB */
#define MAX_MEMORY_TEXT "2G"
#else
#define MAX_MEMORY (3ULL << 30)
#define MAX_MEMORY_TEXT "3G"
#endif

static const char *USAGE =
  "usage: c2w-machine [options]\n"
  "  --config FILE        JSON configuration (keys: arch, memory, bios, kernel, initrd, append, drives,\n"
  "                       shares, virtio_console, stdin_port, net, winsize, icount, quiet_firmware,\n"
  "                       console_gate, jit); later flags override it\n"
  "  --arch ARCH          riscv64 (default: the virt board, needs --bios) or x86_64 (the microvm-like\n"
  "                       board: --kernel is a PVH vmlinux booted directly, no firmware)\n"
  "  -m, --memory SIZE    guest RAM, e.g. 256M or 1G (default 256M, 16M.." MAX_MEMORY_TEXT ")\n"
  "  --bios FILE          firmware (e.g. OpenSBI fw_dynamic.bin) or a bare-metal image, loaded at 0x80000000\n"
  "  --kernel FILE        kernel Image, loaded at 0x80200000 (x86_64: a PVH vmlinux ELF)\n"
  "  --initrd FILE        initial ramdisk\n"
  "  --append STRING      kernel command line\n"
  "  --drive FILE[,ro][,volatile]\n"
  "                       virtio-blk disk (repeatable, up to 7); ',ro' makes it read-only; ',volatile'\n"
  "                       drops the guest's flushes (a scratch disk that nothing keeps after the run)\n"
  "  --share DIR,tag=TAG[,ro][,uid=N][,gid=N]\n"
  "                       share a host directory over virtio-9p (repeatable); the guest mounts it\n"
  "                       with: mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt; every file\n"
  "                       appears owned by uid/gid (default 0)\n"
  "  --virtio-console     add a virtio-console that takes stdin instead of the UART\n"
  "                       (Linux: console=hvc1; hvc0 is the SBI console)\n"
  "  --stdin-port         stdin goes to a virtio-console port named c2w.stdin (multiport) instead\n"
  "                       of the console; its reads return 0 (EOF) once stdin ended and was read\n"
  "  --net CHANNEL        add a virtio-net whose frames go through CHANNEL: each read returns one\n"
  "                       Ethernet frame, each write takes one (the Node host provides it)\n"
  "  --winsize CHANNEL    add a virtio-console port named c2w.winsize: each read of CHANNEL returns\n"
  "                       a terminal size (le16 rows, le16 cols), the guest reads \"ROWS COLS\\n\"\n"
  "  --icount             deterministic time: mtime advances with retired instructions\n"
  "  --jit                riscv64: hot guest blocks go to a JIT host (the Node host compiles them to\n"
  "                       wasm); other hosts keep interpreting them\n"
  "  --quiet-firmware     ask OpenSBI not to print its banner (fw_dynamic_info options bit 0)\n"
  "  --console-gate       hold console input until the guest writes 1 to 0x100004 (syscon;\n"
  "                       x86_64: 0xfeb80004)\n"
  "  --max-insns N        stop after N guest instructions (exit status 3)\n"
  "  --stats              print instructions, seconds and MIPS to stderr at exit\n"
  "  -h, --help           this help\n"
  "exit status: the guest's (sifive_test / SBI reset), 1 bad input, 2 usage error\n";

static int parse_size(const char *s, uint64_t *out, bool mib_default) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || errno) return -1;
  uint64_t mul = mib_default ? (1ULL << 20) : 1;
  if (*end) {
    switch (*end) {
    case 'k': case 'K': mul = 1ULL << 10; break;
    case 'm': case 'M': mul = 1ULL << 20; break;
    case 'g': case 'G': mul = 1ULL << 30; break;
    default: return -1;
    }
    end++;
    if (*end == 'i' || *end == 'I') end++;
    if (*end == 'b' || *end == 'B') end++;
    if (*end) return -1;
  }
  *out = v * mul;
  return 0;
}

static int set_memory(Config *c, const char *s, const char *where) {
  uint64_t v;
  if (parse_size(s, &v, true) || v < MIN_MEMORY || v > MAX_MEMORY || (v & (PAGE_SIZE - 1))) {
    fprintf(stderr, "c2w-machine: %s: invalid memory size '%s' (use e.g. 256M; 16M..%s)\n", where, s, MAX_MEMORY_TEXT);
    return -1;
  }
  c->memory = v;
  return 0;
}

static void set_str(char **dst, const char *v) { free(*dst); *dst = strdup(v); }

static int set_arch(Config *c, const char *s, const char *where) {
  if (!strcmp(s, "riscv64")) c->arch = ARCH_RISCV64;
  else if (!strcmp(s, "x86_64")) c->arch = ARCH_X86_64;
  else {
    fprintf(stderr, "c2w-machine: %s: unknown arch '%s' (expected riscv64 or x86_64)\n", where, s);
    return -1;
  }
  return 0;
}

/* FILE[,ro|,readonly][,volatile], the options in any order after the path */
static int add_drive(Config *c, const char *spec, bool ro, bool vol, const char *where) {
  if (c->ndrives >= MAX_DRIVES) {
    fprintf(stderr, "c2w-machine: %s: too many drives (max %d)\n", where, MAX_DRIVES);
    return -1;
  }
  char *p = strdup(spec);
  for (char *comma; (comma = strrchr(p, ',')) != NULL; *comma = 0) {
    if (!strcmp(comma, ",ro") || !strcmp(comma, ",readonly")) ro = true;
    else if (!strcmp(comma, ",volatile")) vol = true;
    else break;
  }
  if (!*p) { free(p); fprintf(stderr, "c2w-machine: %s: empty drive path\n", where); return -1; }
  c->drives[c->ndrives].path = p;
  c->drives[c->ndrives].readonly = ro;
  c->drives[c->ndrives].volatile_disk = vol;
  c->ndrives++;
  return 0;
}

static bool parse_id(const char *s, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > 0xfffffffeUL) return false;
  *out = (uint32_t)v;
  return true;
}

/* DIR,tag=TAG[,ro][,uid=N][,gid=N]: options after the last comma-separated element that is not
 * an option */
static int add_share(Config *c, const char *spec, const char *tag, bool ro, const char *where) {
  if (c->nshares >= MAX_SHARES) {
    fprintf(stderr, "c2w-machine: %s: too many shares (max %d)\n", where, MAX_SHARES);
    return -1;
  }
  char *p = strdup(spec);
  char *t = tag ? strdup(tag) : NULL;
  uint32_t uid = 0, gid = 0;
  bool ids_ok = true;
  for (;;) {
    char *comma = strrchr(p, ',');
    if (!comma) break;
    if (!strcmp(comma, ",ro") || !strcmp(comma, ",readonly")) ro = true;
    else if (!strncmp(comma, ",tag=", 5)) { free(t); t = strdup(comma + 5); }
    else if (!strncmp(comma, ",uid=", 5)) ids_ok &= parse_id(comma + 5, &uid);
    else if (!strncmp(comma, ",gid=", 5)) ids_ok &= parse_id(comma + 5, &gid);
    else break;
    *comma = 0;
  }
  if (!*p || !t || !*t || strlen(t) > 255 || !ids_ok) {
    fprintf(stderr, "c2w-machine: %s: bad share '%s' (expected DIR,tag=TAG[,ro][,uid=N][,gid=N])\n", where, spec);
    free(p); free(t);
    return -1;
  }
  c->shares[c->nshares].path = p;
  c->shares[c->nshares].tag = t;
  c->shares[c->nshares].readonly = ro;
  c->shares[c->nshares].uid = uid;
  c->shares[c->nshares].gid = gid;
  c->nshares++;
  return 0;
}

/* ---- minimal JSON reader (RFC 8259 subset sufficient for configuration files) ---- */
typedef struct J { const char *p, *file; char err[160]; } J;
static void jws(J *j) { while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++; }
static int jerr(J *j, const char *msg) {
  if (!j->err[0]) snprintf(j->err, sizeof j->err, "%s", msg);
  return -1;
}
static int jstring(J *j, char **out) {
  jws(j);
  if (*j->p != '"') return jerr(j, "expected a string");
  j->p++;
  size_t cap = 64, n = 0;
  char *s = malloc(cap);
  while (*j->p && *j->p != '"') {
    char ch = *j->p;
    if ((unsigned char)ch < 0x20) { free(s); return jerr(j, "control character in string (escape it)"); }
    j->p++;
    if (ch == '\\') {
      if (!*j->p) break; /* reported as an unterminated string */
      char e = *j->p++;
      switch (e) {
      case 'n': ch = '\n'; break;
      case 't': ch = '\t'; break;
      case 'r': ch = '\r'; break;
      case 'b': ch = '\b'; break;
      case 'f': ch = '\f'; break;
      case '"': case '\\': case '/': ch = e; break;
      case 'u': {
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
          char h = *j->p; /* checked one by one: never step over the terminating NUL */
          int d = h >= '0' && h <= '9' ? h - '0' : (h | 32) >= 'a' && (h | 32) <= 'f' ? (h | 32) - 'a' + 10 : -1;
          if (d < 0) { free(s); return jerr(j, "bad \\u escape in string"); }
          v = v * 16 + (unsigned)d;
          j->p++;
        }
        if (v >= 0x80) { free(s); return jerr(j, "non-ASCII \\u escapes are not supported"); }
        ch = (char)v;
        break;
      }
      default: free(s); return jerr(j, "bad escape in string");
      }
    }
    if (n + 2 > cap) { cap *= 2; s = realloc(s, cap); }
    s[n++] = ch;
  }
  if (*j->p != '"') { free(s); return jerr(j, "unterminated string"); }
  j->p++;
  s[n] = 0;
  *out = s;
  return 0;
}
static int jliteral(J *j, const char *lit) {
  size_t n = strlen(lit);
  if (strncmp(j->p, lit, n)) return -1;
  j->p += n;
  return 0;
}
static int jbool(J *j, bool *out) {
  jws(j);
  if (!jliteral(j, "true")) { *out = true; return 0; }
  if (!jliteral(j, "false")) { *out = false; return 0; }
  return jerr(j, "expected true or false");
}

static int jdrive(J *j, Config *c) {
  jws(j);
  if (*j->p == '"') {
    char *s;
    if (jstring(j, &s)) return -1;
    int r = add_drive(c, s, false, false, j->file);
    free(s);
    return r ? -2 : 0; /* add_drive printed the error */
  }
  if (*j->p != '{') return jerr(j, "drives: expected a string or an object");
  j->p++;
  char *path = NULL;
  bool ro = false, vol = false;
  for (;;) {
    jws(j);
    if (*j->p == '}') { j->p++; break; }
    char *k;
    if (jstring(j, &k)) { free(path); return -1; }
    jws(j);
    if (*j->p != ':') { free(k); free(path); return jerr(j, "expected ':'"); }
    j->p++;
    int r;
    if (!strcmp(k, "path") || !strcmp(k, "file")) { free(path); r = jstring(j, &path); }
    else if (!strcmp(k, "readonly")) r = jbool(j, &ro);
    else if (!strcmp(k, "volatile")) r = jbool(j, &vol);
    else { snprintf(j->err, sizeof j->err, "unknown drive key \"%s\"", k); r = -1; }
    free(k);
    if (r) { free(path); return -1; }
    jws(j);
    if (*j->p == ',') j->p++;
  }
  if (!path) return jerr(j, "drive without \"path\"");
  int r = add_drive(c, path, ro, vol, j->file);
  free(path);
  return r ? -2 : 0;
}

static int jshare(J *j, Config *c) {
  jws(j);
  if (*j->p == '"') {
    char *s;
    if (jstring(j, &s)) return -1;
    int r = add_share(c, s, NULL, false, j->file);
    free(s);
    return r ? -2 : 0; /* add_share printed the error */
  }
  if (*j->p != '{') return jerr(j, "shares: expected a string or an object");
  j->p++;
  char *path = NULL, *tag = NULL;
  bool ro = false;
  int r = 0;
  for (;;) {
    jws(j);
    if (*j->p == '}') { j->p++; break; }
    char *k;
    if (jstring(j, &k)) { r = -1; break; }
    jws(j);
    if (*j->p != ':') { free(k); r = jerr(j, "expected ':'"); break; }
    j->p++;
    if (!strcmp(k, "path")) { free(path); path = NULL; r = jstring(j, &path); }
    else if (!strcmp(k, "tag")) { free(tag); tag = NULL; r = jstring(j, &tag); }
    else if (!strcmp(k, "readonly")) r = jbool(j, &ro);
    else { snprintf(j->err, sizeof j->err, "unknown share key \"%s\"", k); r = -1; }
    free(k);
    if (r) break;
    jws(j);
    if (*j->p == ',') j->p++;
  }
  if (!r && (!path || !tag)) r = jerr(j, "share without \"path\" or \"tag\"");
  if (!r && add_share(c, path, tag, ro, j->file)) r = -2;
  free(path);
  free(tag);
  return r;
}

/* A JSON array of objects, each read by `item` (drives, shares). */
static int jarray(J *j, Config *c, const char *what, int (*item)(J *, Config *)) {
  if (*j->p != '[') {
    if (!j->err[0]) snprintf(j->err, sizeof j->err, "%s: expected an array", what);
    return -1;
  }
  j->p++;
  for (;;) {
    int rc;
    jws(j);
    if (*j->p == ']') { j->p++; return 0; }
    if ((rc = item(j, c))) return rc;
    jws(j);
    if (*j->p == ',') j->p++;
  }
}

static int config_file(Config *c, const char *file) {
  FILE *fp = fopen(file, "rb");
  if (!fp) { fprintf(stderr, "c2w-machine: cannot open config '%s': %s\n", file, strerror(errno)); return 1; }
  fseek(fp, 0, SEEK_END);
  long len = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  if (len < 0 || len > (1 << 20)) { fclose(fp); fprintf(stderr, "c2w-machine: config '%s': too large\n", file); return 1; }
  char *text = malloc((size_t)len + 1);
  size_t got = fread(text, 1, (size_t)len, fp);
  fclose(fp);
  text[got] = 0;
  J j = {.p = text, .file = file};
  int rc = 0;
  jws(&j);
  if (*j.p != '{') { jerr(&j, "expected a JSON object"); rc = -1; }
  else j.p++;
  while (!rc) {
    jws(&j);
    if (*j.p == '}') { j.p++; break; }
    char *k;
    if (jstring(&j, &k)) { rc = -1; break; }
    jws(&j);
    if (*j.p != ':') { free(k); jerr(&j, "expected ':'"); rc = -1; break; }
    j.p++;
    jws(&j);
    if (!strcmp(k, "memory")) {
      char buf[64];
      if (*j.p == '"') {
        char *s;
        if (jstring(&j, &s)) rc = -1;
        else { snprintf(buf, sizeof buf, "%s", s); free(s); if (set_memory(c, buf, file)) rc = -2; }
      } else {
        int n = 0;
        while ((j.p[n] >= '0' && j.p[n] <= '9') && n < 20) n++;
        if (!n) { jerr(&j, "memory: expected a number of MiB or a string like \"256M\""); rc = -1; }
        else { memcpy(buf, j.p, n); buf[n] = 0; j.p += n; if (set_memory(c, buf, file)) rc = -2; }
      }
    } else if (!strcmp(k, "arch")) {
      char *s;
      if (jstring(&j, &s)) rc = -1;
      else { if (set_arch(c, s, file)) rc = -2; free(s); }
    } else if (!strcmp(k, "bios") || !strcmp(k, "kernel") || !strcmp(k, "initrd") || !strcmp(k, "append")) {
      char *s;
      if (jstring(&j, &s)) rc = -1;
      else {
        char **dst = !strcmp(k, "bios") ? &c->bios : !strcmp(k, "kernel") ? &c->kernel : !strcmp(k, "initrd") ? &c->initrd : &c->append;
        free(*dst);
        *dst = s;
      }
    } else if (!strcmp(k, "drives")) {
      rc = jarray(&j, c, "drives", jdrive);
    } else if (!strcmp(k, "shares")) {
      rc = jarray(&j, c, "shares", jshare);
    } else if (!strcmp(k, "virtio_console")) {
      if (jbool(&j, &c->virtio_console)) rc = -1;
    } else if (!strcmp(k, "net")) {
      char *s;
      if (jstring(&j, &s)) rc = -1;
      else { free(c->net); c->net = s; }
    } else if (!strcmp(k, "winsize")) {
      char *s;
      if (jstring(&j, &s)) rc = -1;
      else { free(c->winsize); c->winsize = s; }
    } else if (!strcmp(k, "stdin_port")) {
      if (jbool(&j, &c->stdin_port)) rc = -1;
    } else if (!strcmp(k, "icount")) {
      if (jbool(&j, &c->icount)) rc = -1;
    } else if (!strcmp(k, "jit")) {
      if (jbool(&j, &c->jit)) rc = -1;
    } else if (!strcmp(k, "quiet_firmware")) {
      if (jbool(&j, &c->quiet_firmware)) rc = -1;
    } else if (!strcmp(k, "console_gate")) {
      if (jbool(&j, &c->console_gate)) rc = -1;
    } else {
      snprintf(j.err, sizeof j.err, "unknown key \"%s\"", k);
      rc = -1;
    }
    free(k);
    if (rc) break;
    jws(&j);
    if (*j.p == ',') j.p++;
    else if (*j.p != '}') { jerr(&j, "expected ',' or '}'"); rc = -1; }
  }
  if (!rc) { /* nothing but white space may follow the object */
    jws(&j);
    if (*j.p) { jerr(&j, "unexpected data after the JSON value"); rc = -1; }
  }
  if (rc == -1) {
    /* position of the first offending byte, 1-based, as the Node host reports it (src/json-error.ts) */
    int line = 1, column = 1;
    for (const char *q = text; q < j.p; q++) {
      if (*q == '\n') { line++; column = 1; } else column++;
    }
    const char *why = j.p >= text + got ? "unexpected end of file" : !*j.p ? "NUL byte in the file" : j.err[0] ? j.err : "invalid JSON";
    fprintf(stderr, "c2w-machine: config '%s' line %d column %d: %s\n", file, line, column, why);
  }
  free(text);
  return rc ? 1 : 0;
}

int config_parse(Config *c, int argc, char **argv) {
  memset(c, 0, sizeof *c);
  c->memory = 256ULL << 20;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    char flag[64];
    const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
    if (eq && (size_t)(eq - a) < sizeof flag) {
      memcpy(flag, a, (size_t)(eq - a));
      flag[eq - a] = 0;
      a = flag;
      val = eq + 1;
    }
#define NEED_VAL()                                                                             \
  do {                                                                                         \
    if (!val) {                                                                                \
      if (i + 1 >= argc) { fprintf(stderr, "c2w-machine: %s needs a value\n", a); return 2; } \
      val = argv[++i];                                                                         \
    }                                                                                          \
  } while (0)
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(USAGE, stdout); return -1; }
    else if (!strcmp(a, "--config")) { NEED_VAL(); int r = config_file(c, val); if (r) return r; }
    else if (!strcmp(a, "--arch")) { NEED_VAL(); if (set_arch(c, val, a)) return 2; }
    else if (!strcmp(a, "-m") || !strcmp(a, "--memory")) { NEED_VAL(); if (set_memory(c, val, a)) return 2; }
    else if (!strcmp(a, "--bios")) { NEED_VAL(); set_str(&c->bios, val); }
    else if (!strcmp(a, "--kernel")) { NEED_VAL(); set_str(&c->kernel, val); }
    else if (!strcmp(a, "--initrd")) { NEED_VAL(); set_str(&c->initrd, val); }
    else if (!strcmp(a, "--append")) { NEED_VAL(); set_str(&c->append, val); }
    else if (!strcmp(a, "--drive")) { NEED_VAL(); if (add_drive(c, val, false, false, a)) return 2; }
    else if (!strcmp(a, "--share")) { NEED_VAL(); if (add_share(c, val, NULL, false, a)) return 2; }
    else if (!strcmp(a, "--virtio-console")) c->virtio_console = true;
    else if (!strcmp(a, "--stdin-port")) c->stdin_port = true;
    else if (!strcmp(a, "--net")) { NEED_VAL(); set_str(&c->net, val); }
    else if (!strcmp(a, "--winsize")) { NEED_VAL(); set_str(&c->winsize, val); }
    else if (!strcmp(a, "--icount")) c->icount = true;
    else if (!strcmp(a, "--jit")) c->jit = true;
    else if (!strcmp(a, "--quiet-firmware")) c->quiet_firmware = true;
    else if (!strcmp(a, "--console-gate")) c->console_gate = true;
    else if (!strcmp(a, "--stats")) c->stats = true;
    else if (!strcmp(a, "--max-insns")) {
      NEED_VAL();
      char *end;
      errno = 0;
      c->max_insns = strtoull(val, &end, 10);
      if (*end || end == val || errno) { fprintf(stderr, "c2w-machine: --max-insns: invalid number '%s'\n", val); return 2; }
    } else {
      fprintf(stderr, "c2w-machine: unknown option '%s' (try --help)\n", argv[i]);
      return 2;
    }
  }
  if (c->arch == ARCH_X86_64) {
    /* PVH: the kernel is entered directly, as QEMU's microvm -kernel (docs/decisions/0027) */
    if (c->bios) { fprintf(stderr, "c2w-machine: --bios: the x86_64 board takes no firmware (it boots --kernel through its PVH note)\n"); return 2; }
    if (!c->kernel) { fprintf(stderr, "c2w-machine: no kernel given: --arch x86_64 needs --kernel FILE (a PVH vmlinux) (try --help)\n"); return 2; }
  } else if (!c->bios) {
    fprintf(stderr, "c2w-machine: no firmware given: --bios FILE is required (try --help)\n");
    return 2;
  }
  if ((c->initrd || c->append) && !c->kernel) {
    fprintf(stderr, "c2w-machine: --initrd/--append need --kernel\n");
    return 2;
  }
  return 0;
}

void config_free(Config *c) {
  free(c->bios); free(c->kernel); free(c->initrd); free(c->append); free(c->net); free(c->winsize);
  for (int i = 0; i < c->ndrives; i++) free(c->drives[i].path);
  for (int i = 0; i < c->nshares; i++) { free(c->shares[i].path); free(c->shares[i].tag); }
  memset(c, 0, sizeof *c);
}
