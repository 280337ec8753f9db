/* The pre-booted snapshot of the single-file form (docs/decisions/0038-pre-booted-snapshot.md).
 * At conversion wizer calls `wizer.initialize`: the machine boots from the bundle directory,
 * preopened as /c2w-wizer (a name no run uses, so wasi-libc's preopen table, which keeps the
 * wizer-time entries, never resolves a run's path to them), with the deterministic clock and no
 * host input, until c2w-init writes 2 to the syscon gate: it waits for its run request. wizer
 * then saves linear memory. `_start` of the snapshotted module resumes: it composes the request
 * as the cold path does (single_file.c), binds it to the devices the guest probed while booting
 * (root disk reopened under /embed, run channel, stdin port, 9p shares, and the entropy device
 * that seeds the guest's crng from this run's host randomness: ADR 0041), puts the machine on the
 * host clock and lets the guest go on. Both boards: x86_64's boot and clocks are in
 * x86_64/microvm_snapshot.c (docs/decisions/0049). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "machine.h"

#define WIZER_DIR "/c2w-wizer/"            /* the bundle directory while wizer runs */
#define WIZER_PARTS WIZER_DIR ".single-file/" /* its single-file parts (machine.json, arch) */
#define EMBED_DIR "/embed/"
#define ME "c2w"

static Config boot_cfg;
static Machine *booted;            /* set when the boot paused at the wait: `_start` resumes it */
static struct X86Microvm *booted_x86; /* the x86_64 board whose devices are `booted`, or NULL (riscv64) */
static char *embed_path[MAX_DRIVES]; /* each file drive's path at run time (under /embed) */
static int channel_drive;
static VirtioDev *rng;               /* the entropy device: answered only once a run resumed */

bool snapshot_taken(void) { return booted != NULL; }

/* "/embed/x" -> "/c2w-wizer/x": the files are the bundle's until vfs-embed puts them in the module */
static char *to_wizer_path(char **path) {
  if (!*path || strncmp(*path, EMBED_DIR, strlen(EMBED_DIR))) return NULL;
  char *at_run = *path, *now = malloc(strlen(at_run) + sizeof WIZER_DIR);
  if (!now) return NULL;
  strcpy(now, WIZER_DIR);
  strcat(now, at_run + strlen(EMBED_DIR));
  *path = now;
  return at_run;
}

static int not_paused(int rc) {
  fprintf(stderr, ME ": the guest stopped (status %d) before its init waited for a run request (a runtime pack whose c2w-init has no snapshot wait?)\n", rc);
  return 1;
}

/* the x86_64 board adds the held entropy device itself: its kernel learns of every device from
 * the command line the board composes */
static int boot_x86(void) {
  Machine *m = NULL;
  int rc = x86_snapshot_boot(&boot_cfg, &booted_x86, &m);
  if (!m) return rc; /* the board could not be built (reported) */
  if (!m->paused) return not_paused(rc);
  for (int slot = 0; slot < VIRTIO_SLOTS && !rng; slot++)
    if (m->virtio[slot].device_id == VIRTIO_ID_RNG) rng = &m->virtio[slot];
  booted = m;
  return 0;
}

static int boot_to_wait(void) {
  char *argv[] = {ME, "--config", WIZER_PARTS "machine.json", NULL};
  int rc = config_parse(&boot_cfg, 3, argv);
  if (rc) return rc;
  to_wizer_path(&boot_cfg.bios);
  to_wizer_path(&boot_cfg.kernel);
  for (int i = 0; i < boot_cfg.ndrives; i++) embed_path[i] = to_wizer_path(&boot_cfg.drives[i].path);
  /* every device a run may use exists now, for the kernel to probe; the run binds them */
  static const uint8_t no_request[1];
  if (boot_cfg.ndrives >= MAX_DRIVES) { fputs(ME ": too many drives\n", stderr); return 2; }
  channel_drive = boot_cfg.ndrives;
  DriveConfig *d = &boot_cfg.drives[boot_cfg.ndrives++];
  d->path = strdup("(run channel)");
  d->readonly = true;
  d->data = no_request; /* probed empty (capacity 0): the run gives it the request's size */
  boot_cfg.stdin_port = true;
  for (int i = 0; i < SNAPSHOT_MAX_MOUNTS; i++) {
    ShareConfig *s = &boot_cfg.shares[boot_cfg.nshares++];
    char tag[16];
    snprintf(tag, sizeof tag, "c2w%d", i);
    s->tag = strdup(tag);
  }
  char *append = malloc(strlen(boot_cfg.append ? boot_cfg.append : "") + 32);
  sprintf(append, "%s c2w.snapshot=1", boot_cfg.append ? boot_cfg.append : "");
  free(boot_cfg.append);
  boot_cfg.append = append;
  boot_cfg.icount = true; /* same instructions, same timer interrupts: the same snapshot bytes */
  boot_cfg.snapshot_boot = true;

  if (boot_cfg.arch == ARCH_X86_64) return boot_x86();
  Machine *m = machine_new();
  if (!m) return 1;
  rc = machine_init(m, &boot_cfg);
  if (rc) return rc;
  /* the entropy device takes the slot the fifth share would: the kernel probes it while booting,
   * its requests wait for the run (virtio_rng.c) */
  for (int slot = 0; slot < VIRTIO_SLOTS && !rng; slot++)
    if (!m->virtio[slot].device_id) virtio_rng_init(m, rng = &m->virtio[slot], true);
  if (!rng) { fputs(ME ": no virtio slot left for the entropy device (too many drives)\n", stderr); return 2; }
  rc = machine_run_to_exit(m);
  console_flush(m);
  if (!m->paused) return not_paused(rc);
  /* the snapshot keeps no host time and no decoded code (re-decoded at run: fewer bytes to store) */
  m->last_input_poll_ns = m->idle_ns = 0;
  for (int i = 0; i < DC_PAGES; i++) {
    if (m->dcache_used[i]) memset(&m->dcache[i], 0, sizeof m->dcache[i]);
    m->dcache_used[i] = 0;
    m->dcache_ppn[i] = ~0ULL;
  }
  memset(m->code_page, 0, m->ram_size >> PAGE_SHIFT);
  tlb_flush_all(m);
  booted = m;
  return 0;
}

/* wizer's entry (wasm-ld runs the constructors around an export of a command module) */
#ifdef __wasi__
__attribute__((export_name("wizer.initialize")))
#endif
void snapshot_boot(void);
void snapshot_boot(void) {
  int rc = boot_to_wait();
  if (rc) exit(rc);
#ifdef __wasi__
  /* the dead stack below this frame holds the boot's spilled locals (host times among them):
   * zero it, or wizer stores them and two conversions differ (wasm-ld: the stack grows down to
   * __data_end) */
  extern uint8_t __data_end[];
  volatile uint8_t top = 0;
  memset(__data_end, 0, (size_t)((const uint8_t *)&top - __data_end));
#endif
}

static char *read_small(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *p = calloc(1, 4096);
  *len = p ? fread(p, 1, 4095, f) : 0;
  fclose(f);
  return p;
}

int snapshot_resume(int argc, char **argv) {
  Machine *m = booted;
  size_t len;
  char *arch = read_small(EMBED_DIR "arch", &len);
  if (!arch) { fputs(ME ": this pre-booted module has no embedded files under /embed (run vfs-embed on it)\n", stderr); return 1; }
  RunRequest r;
  int rc = single_file_request(&r, arch, len, argc, argv);
  if (rc) return rc == -1 ? 0 : rc;
  /* the boot's file descriptors were wizer's: the run reopens its own */
  for (int i = 0; i < boot_cfg.ndrives; i++) {
    VirtioDev *v = &m->virtio[VIRTIO_SLOTS - 1 - i];
    if (i == channel_drive) {
      /* a config change (virtio 1.1 section 4.2.2.1): the guest reads the new capacity, c2w-init waits for it */
      v->mem = r.tar;
      v->capacity_bytes = r.tar_len;
      v->config_gen++;
      v->int_status |= 2;
      machine_set_irq(m, (int)v->irq, 1);
      continue;
    }
    if (!embed_path[i]) continue;
    v->fd = open(embed_path[i], O_RDONLY);
    if (v->fd < 0) { fprintf(stderr, ME ": cannot open the embedded disk %s\n", embed_path[i]); return 1; }
  }
  if (r.nmounts > SNAPSHOT_MAX_MOUNTS) {
    fprintf(stderr, ME ": too many preopened directories for a pre-booted module (at most %d; convert with --no-snapshot for %d)\n", SNAPSHOT_MAX_MOUNTS, SINGLE_FILE_MAX_MOUNTS);
    return 2;
  }
  for (int slot = VIRTIO_SLOTS - 1, n = 0; slot >= 0 && n < r.nmounts; slot--)
    if (m->virtio[slot].device_id == VIRTIO_ID_9P && virtio_9p_bind(&m->virtio[slot], r.mounts[n++], r.uid, r.gid)) return 1;
  m->port_detached = !r.port;
  if (r.debug) fputs(ME ": --guest-debug: this module was booted at conversion; its boot messages were not kept\n", stderr);
  boot_cfg.icount = boot_cfg.snapshot_boot = false;
  /* host randomness for the guest's held entropy requests: the kernel's crng seeds from it, so no
   * two runs share the snapshot's random state (ADR 0041) */
  rng->rng_held = false;
  if (virtio_rng_feed(m, rng)) { fputs(ME ": the host gave no random bytes (WASI random_get failed)\n", stderr); return 1; }
  console_init();
  if (booted_x86) return x86_snapshot_resume(booted_x86); /* its clocks, RDRAND, then the run */
  /* guest time goes on from the snapshot's; the guest's wall clock comes with the request (c2w/time) */
  uint64_t now = machine_mtime(m);
  m->icount = false;
  m->time_base_ns = host_now_ns() - now * (1000000000ULL / TIMEBASE_HZ);
  m->last_input_poll_ns = host_now_ns();
  m->paused = false;
  rc = machine_run_to_exit(m);
  if (m->reboot) { fputs(ME ": the guest asked for a reboot, which a pre-booted module cannot do\n", stderr); return 1; }
  return rc;
}
