/* The x86_64 board of the main machine (c2w-machine --arch x86_64, docs/decisions/0027): the bare
 * board (board.c: LAPIC, I/O APIC, COM1, RTC, MP table, PVH boot) plus the shared devices of
 * common/ (virtio-mmio blk/9p/console, the finisher and console gate), laid out as QEMU's microvm:
 * virtio-mmio slot i at 0xfeb00000 + 0x200 * i on I/O APIC pin 5 + i, the first device in the
 * highest slot, each named to the kernel by `virtio_mmio.device=512@ADDR:PIN` on its command line. */
#ifndef C2W_X86_MICROVM_H
#define C2W_X86_MICROVM_H
#include "board.h"
#include "machine.h"

#define MICROVM_VIRTIO_BASE 0xfeb00000ULL
#define MICROVM_VIRTIO_STRIDE 0x200ULL
#define MICROVM_VIRTIO_IRQ0 5
/* the finisher (+0) and console gate (+4) of common/syscon.c: a page outside RAM (RAM ends below
 * 3 GiB) and the e820 map, below the I/O APIC, where c2w-init's devmem finds it on x86_64 */
#define MICROVM_SYSCON_BASE 0xfeb80000ULL
#define MICROVM_SYSCON_SIZE 0x1000ULL

typedef struct X86Microvm {
  X86Board board;       /* first: the bus callbacks' ctx is the board */
  Machine *dev;         /* state of the shared devices (its RV64 hart fields are unused here) */
  Config *cfg;
  uint64_t last_poll_ns;
  uint64_t time_base_ns;  /* host clock at TSC 0: the TSC follows it unless --icount (ADR 0050) */
  double insns_per_ns;    /* the interpreter's measured speed: a timer's host-time distance as a slice budget */
  uint64_t idle_ns;       /* host time spent waiting in HLT (for --stats) */
} X86Microvm;

/* microvm.c: builds the board from cfg and loads cfg->kernel; 0, or the exit status of a failure
 * (reported). A snapshot boot (cfg->snapshot_boot) adds the held entropy device (microvm_snapshot.c) */
int x86_microvm_init(X86Microvm *mv, Config *cfg);
/* microvm_run.c: runs the booted board until the guest's exit, or until it pauses at the init's
 * run-request wait in a snapshot boot (dev->paused); the host exit status */
int x86_microvm_run(X86Microvm *mv);
/* microvm_run.c: moves the TSC up to host_ns (host_now_ns) unless --icount: guest time is host time */
void x86_microvm_follow_host_clock(X86Microvm *mv, uint64_t host_ns);
/* builds the board from cfg, boots cfg->kernel and runs to the guest's exit; the exit status */
int x86_microvm_main(Config *cfg);

#endif
