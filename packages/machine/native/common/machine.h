/* c2w-machine: shared definitions of the RV64GC "virt" machine.
 * Board layout follows QEMU's riscv virt machine (see docs DESIGN.md section 2);
 * CPU state follows the RISC-V unprivileged spec 20191213 and privileged spec 1.12.
 * All machine state lives in one struct Machine (plus guest RAM and caches it points to),
 * so a linear-memory snapshot captures it; there is no global mutable state. */
#ifndef C2W_MACHINE_H
#define C2W_MACHINE_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- board layout (QEMU virt) ---- */
#define MROM_BASE 0x1000ULL
#define MROM_SIZE 0xf000ULL
#define FW_DYN_INFO_ADDR 0x1028ULL
#define TEST_BASE 0x100000ULL
#define TEST_SIZE 0x1000ULL
#define CLINT_BASE 0x2000000ULL
#define CLINT_SIZE 0x10000ULL
#define PLIC_BASE 0xc000000ULL
#define PLIC_SIZE 0x600000ULL
#define UART_BASE 0x10000000ULL
#define UART_SIZE 0x100ULL
#define UART_IRQ 10
#define VIRTIO_BASE 0x10001000ULL
#define VIRTIO_STRIDE 0x1000ULL
#define VIRTIO_SLOTS 8
#define RAM_BASE 0x80000000ULL
#define KERNEL_OFFSET 0x200000ULL /* 64-bit kernels are placed at RAM + 2 MiB */
#define TIMEBASE_HZ 10000000ULL

/* ---- exceptions and interrupts (privileged spec 3.1.15) ---- */
enum {
  EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL = 2, EXC_BREAKPOINT = 3,
  EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5, EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7,
  EXC_ECALL_U = 8, EXC_ECALL_S = 9, EXC_ECALL_M = 11,
  EXC_INSN_PAGE = 12, EXC_LOAD_PAGE = 13, EXC_STORE_PAGE = 15,
};
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)

enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

/* mstatus bits */
#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SD (1ULL << 63)

/* ---- decoded instructions (decode cache, one entry per 2-byte slot of a page) ---- */
typedef struct Insn {
  uint8_t op;   /* OP_* (decode.h); bit 7 set = 16-bit (compressed) encoding */
  uint8_t rd, rs1, rs2;
  int32_t imm;  /* immediate, CSR number, or raw encoding for rare ops */
} Insn;
#define OP_C 0x80

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096ULL
#define PAGE_MASK (PAGE_SIZE - 1)
#define DC_SLOTS 2048 /* 4096 / 2 */
#define DC_PAGES 2048 /* decoded pages kept (direct mapped by physical page number), 16 KiB each */

typedef struct DecodedPage {
  Insn insn[DC_SLOTS + 2]; /* + 2 OP_PAGE_END sentinels: sequential flow runs into them */
} DecodedPage;

/* ---- software TLB (direct mapped). tag = virtual page base | low alignment bits never set ---- */
#define TLB_SIZE 1024 /* a Linux boot's data pages miss a 256-entry table often (ADR 0052) */
typedef struct TlbEntry {
  uint64_t vtag;      /* virtual address of the page, or 1 when invalid (never page aligned) */
  uintptr_t addend;   /* host pointer = addend + vaddr */
  uint64_t paddr;     /* physical page base */
} TlbEntry;
/* TLB sets by effective mode: 0 = U, 1 = S, 2 = S with SUM, 3 = M/bare */
#define TLB_SETS 4
#define TLB_LOG 512
typedef struct Tlb {
  TlbEntry r[TLB_SIZE], w[TLB_SIZE], x[TLB_SIZE];
} Tlb;

/* ---- devices ---- */
typedef struct Clint {
  uint64_t mtimecmp;
  uint32_t msip;
} Clint;

#define PLIC_NUM_SRC 128 /* ndev = 96 as on QEMU virt; arrays rounded up */
typedef struct Plic {
  uint32_t priority[PLIC_NUM_SRC];
  uint32_t pending[PLIC_NUM_SRC / 32];
  uint32_t claimed[PLIC_NUM_SRC / 32];
  uint32_t level[PLIC_NUM_SRC / 32]; /* current input line levels */
  uint32_t enable[2][PLIC_NUM_SRC / 32]; /* context 0 = hart0 M, 1 = hart0 S */
  uint32_t threshold[2];
} Plic;

#define UART_FIFO 256
typedef struct Uart {
  uint8_t ier, iir, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
  bool thr_ipending;
  uint8_t rx[UART_FIFO];
  uint32_t rx_head, rx_count;
} Uart;

/* virtio (virtio 1.1 section 4.2 MMIO, section 2.6 split virtqueues) */
#define VIRTIO_MAX_QUEUES 4 /* virtio-console with MULTIPORT: port 0 rx/tx + control rx/tx */
typedef struct VirtQueue {
  uint32_t num, ready;
  uint64_t desc, avail, used;
  uint16_t last_avail;
} VirtQueue;

#define BLK_CACHE_LINES 32
#define BLK_CACHE_LINE (64 * 1024)
typedef struct BlkCacheLine {
  uint64_t off; /* file offset of the line, or ~0 */
  uint64_t stamp;
  uint32_t valid_len;
} BlkCacheLine;

/* one descriptor chain popped from a virtqueue (scratch space while a request is processed) */
#define VIRTQ_MAX_CHAIN 512
typedef struct VqSeg { uint64_t addr; uint32_t len; bool write; } VqSeg;
typedef struct VqChain {
  uint16_t head;
  int nseg;
  VqSeg seg[VIRTQ_MAX_CHAIN];
  uint64_t out_len, in_len; /* bytes readable by the device, writable by the device */
} VqChain;

struct Machine;
/* The interrupt lines the shared devices (common/: virtio-mmio, the 16550) raise: the board routes
 * `line` to its controller, a PLIC source on riscv64, an I/O APIC pin on x86_64. */
typedef struct IrqLines {
  void (*set)(void *ctx, int line, int level);
  void *ctx;
} IrqLines;

/* a board's hook for device writes to guest RAM (DMA): x86_64 drops the decoded code there */
typedef struct DmaHook {
  void (*fn)(void *ctx, uint64_t pa, uint64_t len);
  void *ctx;
} DmaHook;

/* virtio device IDs (virtio 1.1 section 5) of the devices the machine has */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_9P 9

typedef struct VirtioDev {
  uint32_t device_id; /* 0 = empty slot */
  uint32_t irq;
  uint32_t status, dev_feat_sel, drv_feat_sel, queue_sel, int_status, config_gen;
  uint64_t dev_features, drv_features;
  VirtQueue q[VIRTIO_MAX_QUEUES];
  int nqueues;
  /* virtio-blk */
  int fd;
  const uint8_t *mem; /* RAM-backed drive (DriveConfig.data), or NULL */
  bool readonly;
  uint64_t capacity_bytes;
  BlkCacheLine lines[BLK_CACHE_LINES];
  uint8_t *cache; /* BLK_CACHE_LINES * BLK_CACHE_LINE bytes */
  uint64_t cache_clock;
  /* virtio-console */
  bool console;
  /* virtio-9p (virtio_9p.c) */
  struct P9State *p9;
  /* virtio-net (virtio_net.c); fd is its frame channel */
  struct NetState *net;
  /* virtio-console; with multiport (--stdin-port) port 0 is a generic port fed from stdin */
  bool multiport;
  bool guest_open;      /* the guest has port 0 open (PORT_OPEN 1 from the driver) */
  uint8_t ctrl_pending; /* control messages still to send to the guest (VC_SEND_* bits) */
  bool host_open_sent, host_closed_sent;
  uint8_t *in;          /* host input not yet in guest buffers (VC_IN_BUF bytes) */
  uint32_t in_len;
  const char *port_name; /* "c2w.stdin", or "c2w.winsize" (--winsize: no EOF, input from its channel) */
  /* virtio-rng (virtio_rng.c): requests wait unanswered while held (a snapshot boot) */
  bool rng_held;
} VirtioDev;
#define VC_IN_BUF (64 * 1024)

/* ---- configuration ---- */
#define MAX_DRIVES 7
typedef struct DriveConfig {
  char *path;
  bool readonly;
  /* ",volatile": nothing of the disk outlives the run, so the drive offers no FLUSH and the host
   * never fsyncs it (QEMU's cache=unsafe); a writable disk that must survive keeps its fsync */
  bool volatile_disk;
  const uint8_t *data; /* a RAM-backed read-only disk (the single file's run channel) instead of a file */
  uint64_t data_size;
} DriveConfig;

#define MAX_SHARES 7
typedef struct ShareConfig {
  char *path, *tag;
  bool readonly;
  uint32_t uid, gid; /* owner the guest sees for every file (WASI has no ownership) */
} ShareConfig;

enum { ARCH_RISCV64 = 0, ARCH_X86_64 = 1 };
typedef struct Config {
  int arch;           /* ARCH_*: which board runs (riscv64/ or x86_64/) */
  uint64_t memory;
  char *bios, *kernel, *initrd, *append;
  DriveConfig drives[MAX_DRIVES];
  int ndrives;
  ShareConfig shares[MAX_SHARES];
  int nshares;
  bool virtio_console;
  char *net;          /* virtio-net frame channel path (virtio_net.c), or NULL: no network */
  bool stdin_port;    /* virtio-console with one multiport port "c2w.stdin" that takes stdin, with EOF */
  char *winsize;      /* terminal size channel (winsize.c): a port "c2w.winsize" gets "ROWS COLS\n" lines */
  bool stats;
  bool icount; /* deterministic timebase: mtime follows instret */
  bool quiet_firmware; /* fw_dynamic_info options bit 0: OpenSBI prints no banner */
  bool console_gate;   /* console input waits until the guest opens the gate (syscon.c) */
  uint64_t max_insns; /* 0 = unlimited */
  bool snapshot_boot; /* booting under wizer (snapshot.c): no host input, pause at the init's wait */
  bool jit;           /* count hot blocks and ask a JIT host to translate them (riscv64/jit.c) */
} Config;

typedef struct Machine {
  /* ---- hart state (hot fields first) ---- */
  uint64_t x[33];       /* x[32] is the write sink for rd = x0 */
  uint64_t pc;
  Tlb *tlb_cur;         /* TLB set of the current effective data mode */
  Tlb *tlb_fetch;       /* TLB set of the current fetch mode */
  uint64_t insn_budget; /* instructions left in the current slice */
  uint64_t f[32];
  uint32_t fflags, frm;
  int priv;
  uint64_t instret;
  uint64_t mstatus, misa, medeleg, mideleg, mie, mip, mtvec, mscratch, mepc, mcause, mtval;
  uint64_t mcounteren, scounteren, stvec, sscratch, sepc, scause, stval, satp;
  uint64_t pmpcfg[2], pmpaddr[16];
  uint64_t menvcfg, senvcfg;
  uint64_t reservation; /* LR/SC reservation address, ~0 = none */
  uint64_t fault_addr;  /* faulting virtual address of the last failed access */
  uint64_t mcountinhibit;
  bool wfi;
  bool exit_slice;      /* device or CSR changed interrupt state: leave the hot loop */
  /* ---- memory ---- */
  uint8_t *ram;
  uint64_t ram_size;
  uint8_t mrom[MROM_SIZE];
  uint8_t *code_page;   /* per RAM page: CODE_DECODED, CODE_WMAPPED */
#define CODE_DECODED 1  /* a decoded copy exists (stores must drop it) */
#define CODE_WMAPPED 2  /* a write TLB entry may map the page (riscv64; cleared when they are dropped) */
  DecodedPage *dcache;  /* DC_PAGES entries */
  uint64_t dcache_ppn[DC_PAGES]; /* physical page number held by each entry, ~0 = empty */
  uint8_t dcache_used[DC_PAGES];  /* entry written since allocation (else still all-zero memory) */
  Tlb tlb[TLB_SETS];
  /* the entries filled in the paged sets (0..2) since their last flush, as indices into tlb[0]'s
   * entries seen as one array: tlb_flush_paged (a satp write, sfence.vma: every context switch)
   * clears those instead of all 9 Ki; TLB_LOG + 1 = more than that, clear all */
  uint16_t tlb_log[TLB_LOG];
  uint16_t tlb_log_n;
  /* ---- devices ---- */
  Clint clint;
  Plic plic;
  Uart uart;
  VirtioDev virtio[VIRTIO_SLOTS];
  VirtioDev *net;       /* the virtio-net device, polled with the console, or NULL */
  VirtioDev *winsize;   /* the c2w.winsize port (winsize.c), polled with the console, or NULL */
  int winsize_fd;
  VqChain vq_chain;     /* scratch for the request being processed */
  /* ---- host side ---- */
  uint64_t time_base_ns;   /* host clock at mtime == 0 */
  uint64_t mtime_icount_base;
  bool icount;
  bool halted;
  int exit_code;
  bool reboot;
  bool stdin_eof;
  bool console_gated;    /* stdin stays with the host until the guest is ready for it */
  bool paused;           /* the init reached its run-request wait in a snapshot boot (syscon.c) */
  bool port_detached;    /* the stdin port exists (probed at boot) but stdin goes to the console */
  uint8_t outbuf[4096];
  uint32_t outlen;
  uint64_t last_input_poll_ns;
  uint64_t idle_ns;      /* host time spent waiting in WFI (for --stats) */
  Config *cfg;
  /* ---- what the shared devices need from their board ---- */
  IrqLines irq;
  DmaHook dma_written;  /* x86_64 (riscv64 tracks its code pages through code_page and ram_written) */
  uint64_t ram_base;     /* guest-physical address of ram[0] (devices' DMA): 0x80000000 or 0 */
  struct Jit *jit;       /* riscv64 JIT tier's state (riscv64/jit.h), NULL without --jit */
} Machine;

static inline void machine_set_irq(Machine *m, int line, int level) { m->irq.set(m->irq.ctx, line, level); }

/* ---- cross-module API ---- */
/* mem.c: physical bus */
int bus_load(Machine *m, uint64_t pa, int size, uint64_t *val);  /* 0 or access-fault cause */
int bus_store(Machine *m, uint64_t pa, int size, uint64_t val);
uint8_t *bus_ram_ptr(Machine *m, uint64_t pa, uint64_t len);     /* NULL if not RAM */
void ram_written(Machine *m, uint64_t pa, uint64_t len);         /* DMA/loader writes: drop decoded code */
void dcache_invalidate_page(Machine *m, uint64_t ppn);

/* mmu.c: Sv39 + TLB */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };
int mmu_translate(Machine *m, uint64_t va, int acc, uint64_t *pa); /* 0 or page/access fault cause */
int mmu_load_slow(Machine *m, uint64_t va, int size, uint64_t *val);
int mmu_store_slow(Machine *m, uint64_t va, int size, uint64_t val);
void mmu_fill_data(Machine *m, uint64_t va, uint64_t pa, int acc); /* after a translated access */
void tlb_flush_all(Machine *m);
void tlb_flush_paged(Machine *m); /* the sets that translate (satp, sfence.vma, MXR) */
void tlb_flush_va(Machine *m, uint64_t va);
void tlb_select(Machine *m);
Insn *mmu_fetch_page(Machine *m, uint64_t pc, int *cause, const uint8_t **host);

/* cpu_csr.c: CSRs, traps, interrupts */
int csr_read(Machine *m, int csr, uint64_t *val, bool will_write);
int csr_write(Machine *m, int csr, uint64_t val);
void cpu_raise_exception(Machine *m, int cause, uint64_t tval);
bool cpu_check_interrupts(Machine *m);
uint64_t cpu_pending_interrupts(Machine *m);
int cpu_mret(Machine *m);
int cpu_sret(Machine *m);
void cpu_reset(Machine *m, uint64_t pc);
uint64_t machine_mtime(Machine *m);

/* decode.c */
void decode_insn(uint32_t raw, Insn *d);

/* cpu.c */
uint64_t cpu_run(Machine *m, uint64_t budget);

/* fpu.c */
int fpu_exec(Machine *m, uint32_t raw); /* 0 or exception cause */

/* devices */
uint64_t clint_read(Machine *m, uint64_t off, int size);
void clint_write(Machine *m, uint64_t off, int size, uint64_t val);
void clint_update(Machine *m);
uint32_t plic_read(Machine *m, uint64_t off);
void plic_write(Machine *m, uint64_t off, uint32_t val);
void plic_set_irq(Machine *m, int irq, int level);
uint8_t uart_read(Machine *m, uint64_t off);
void uart_write(Machine *m, uint64_t off, uint8_t val);
void uart_receive(Machine *m, const uint8_t *buf, int n);
int uart_rx_space(Machine *m);
void syscon_write(Machine *m, uint64_t off, uint32_t val); /* common/syscon.c: finisher and console gate */
uint64_t virtio_read(Machine *m, int slot, uint64_t off, int size);
void virtio_write(Machine *m, int slot, uint64_t off, int size, uint64_t val);
void virtio_notify_irq(Machine *m, VirtioDev *v);
int virtio_blk_init(Machine *m, VirtioDev *v, const char *path, bool readonly);
void virtio_blk_queue_notify(Machine *m, VirtioDev *v, int q);
uint64_t virtio_blk_config_read(VirtioDev *v, uint64_t off, int size);
int virtio_console_init(Machine *m, VirtioDev *v, bool multiport);
/* --winsize: a multiport console whose port "c2w.winsize" carries the host terminal's size */
int winsize_port_init(Machine *m, VirtioDev *v, const char *channel);
void winsize_poll(Machine *m);
void virtio_console_reset(VirtioDev *v);
uint64_t virtio_console_config_read(VirtioDev *v, uint64_t off, int size);
/* stdin port: deliver v->in[0..in_len) while the guest has the port open; report EOF (m->stdin_eof) */
void virtio_console_port_pump(Machine *m, VirtioDev *v);
void virtio_console_queue_notify(Machine *m, VirtioDev *v, int q);
int virtio_console_receive(Machine *m, VirtioDev *v, const uint8_t *buf, int n);
bool virtio_console_can_receive(Machine *m, VirtioDev *v);
int virtio_9p_init(Machine *m, VirtioDev *v, const ShareConfig *share); /* share->path NULL: unbound */
int virtio_rng_init(Machine *m, VirtioDev *v, bool held);
int virtio_rng_feed(Machine *m, VirtioDev *v); /* answers the held requests (a resumed snapshot) */
void virtio_rng_queue_notify(Machine *m, VirtioDev *v, int q);
int virtio_9p_bind(VirtioDev *v, const char *path, uint32_t uid, uint32_t gid); /* a resumed snapshot's share */
void virtio_9p_queue_notify(Machine *m, VirtioDev *v, int q);
uint64_t virtio_9p_config_read(VirtioDev *v, uint64_t off, int size);
void virtio_9p_free(VirtioDev *v);
int virtio_net_init(Machine *m, VirtioDev *v, const char *path);
void virtio_net_queue_notify(Machine *m, VirtioDev *v, int q);
uint64_t virtio_net_config_read(VirtioDev *v, uint64_t off, int size);
void virtio_net_reset(VirtioDev *v);
void virtio_net_poll(Machine *m, VirtioDev *v); /* frames both ways, without a guest kick */
void virtio_net_free(VirtioDev *v);
short virtio_net_poll_events(Machine *m, VirtioDev *v); /* POLLIN/POLLOUT worth waiting for on its channel */
/* Wait up to timeout_ms for stdin (if want_stdin) and the frame channel; true when a stdin read will not block */
bool console_wait_input(Machine *m, bool want_stdin, int timeout_ms);

/* fdt.c */
int fdt_build(Machine *m, uint8_t *buf, int bufsize, uint64_t initrd_start, uint64_t initrd_end,
              const char *bootargs);

/* console.c: host stdin/stdout */
void console_out(Machine *m, const uint8_t *buf, int n);
void console_flush(Machine *m);
void console_init(void);
void console_poll_input(Machine *m, int timeout_ms);
uint64_t host_now_ns(void);

/* config.c */
int config_parse(Config *cfg, int argc, char **argv); /* 0 ok, 2 usage error, 1 bad input, -1 help shown */
void config_free(Config *cfg);
/* single_file.c: the single-file form's run request (docs/decisions/0024) */
#define SINGLE_FILE_NONE (-2)
int single_file_config(Config *cfg, int argc, char **argv); /* SINGLE_FILE_NONE, or as config_parse */
#define SINGLE_FILE_MAX_MOUNTS 5 /* virtio slots left after the root disk, the run channel and the stdin port */
#define SNAPSHOT_MAX_MOUNTS (SINGLE_FILE_MAX_MOUNTS - 1) /* a pre-booted module's entropy device takes one */
/* A run request composed from WASI args, env, preopens and clock: the run channel tar and what the
 * machine binds for it */
typedef struct RunRequest {
  uint8_t *tar;
  size_t tar_len;
  char *mounts[SINGLE_FILE_MAX_MOUNTS]; /* host (preopen) paths of shares c2w0.. */
  int nmounts;
  uint32_t uid, gid;
  bool port, debug;
} RunRequest;
/* 0, or as config_parse (the image defaults are read from /embed) */
int single_file_request(RunRequest *r, const char *arch, size_t arch_len, int argc, char **argv);
/* snapshot.c: the pre-booted snapshot (docs/decisions/0038; x86_64: 0049) */
bool snapshot_taken(void);
int snapshot_resume(int argc, char **argv);

/* x86_64/microvm.c: the x86_64 board, built, booted and run to the guest's exit status */
int x86_microvm_main(Config *cfg);
/* x86_64/microvm_snapshot.c: the x86_64 board booted to the init's run-request wait (0 and
 * dev->paused, else the status of the failure), and resumed on the host's clock and RDRAND to the
 * guest's exit status (docs/decisions/0049) */
struct X86Microvm;
int x86_snapshot_boot(Config *cfg, struct X86Microvm **booted, Machine **dev);
int x86_snapshot_resume(struct X86Microvm *mv);

/* riscv64/cpu.c: the riscv64 machine object, zeroed (NULL: out of memory). In wasm the process's
 * one machine is a static object, which cpu_run addresses at constant addresses (ADR 0060): a
 * second machine_new there is NULL */
Machine *machine_new(void);
void machine_delete(Machine *m);

/* boot.c */
int machine_init(Machine *m, Config *cfg);
void machine_free(Machine *m, bool keep_memory);
int machine_run_to_exit(Machine *m);

#endif
