/* Local APIC (SDM vol. 3 ch. 11), memory-mapped at 0xfee00000: ID, version, TPR/PPR, EOI, SVR,
 * ISR/TMR/IRR, ESR, ICR (fixed self IPIs), the LVT and the timer in one-shot, periodic and TSC-deadline mode.
 * Its clock is the CPU's time stamp counter (retired instructions plus what the board adds: skipped
 * idle time, or host time on the microvm board); one timer tick per TSC tick before the divider. */
#ifndef C2W_X86_LAPIC_H
#define C2W_X86_LAPIC_H
#include <stdint.h>
#include <stdbool.h>

#define LAPIC_BASE 0xfee00000ULL
#define LAPIC_SIZE 0x1000ULL

typedef struct X86Lapic {
  uint32_t id, tpr, svr, ldr, dfr, esr, icr_lo, icr_hi;
  uint32_t lvt[7];            /* CMCI, timer, thermal, perf, LINT0, LINT1, error */
  uint32_t initial, divide;   /* timer initial count and divide configuration */
  uint32_t isr[8], irr[8], tmr[8];
  uint64_t start, deadline;   /* TSC of the count's start and of its expiry; deadline 0 = stopped */
  int eoi_level_vector;       /* set by an EOI of a level-triggered vector, -1 otherwise */
  uint64_t *tsc_deadline;     /* the CPU's IA32_TSC_DEADLINE (TSC-deadline mode), or NULL */
} X86Lapic;

void lapic_reset(X86Lapic *a);
uint32_t lapic_read(X86Lapic *a, uint32_t off, uint64_t now);
/* true when the write may have made an interrupt deliverable (the CPU should look) */
bool lapic_write(X86Lapic *a, uint32_t off, uint32_t v, uint64_t now);
void lapic_update(X86Lapic *a, uint64_t now);        /* expire the timer */
int lapic_ack(X86Lapic *a, uint64_t now);            /* highest deliverable vector -> ISR, or -1 */
bool lapic_pending(X86Lapic *a, uint64_t now);       /* would lapic_ack deliver */
uint64_t lapic_next_deadline(const X86Lapic *a);     /* 0 when the timer is stopped or masked */
void lapic_raise(X86Lapic *a, int vector);           /* an edge-triggered fixed interrupt (IPI, I/O APIC) */
void lapic_raise_level(X86Lapic *a, int vector);     /* level-triggered: EOI is forwarded to the I/O APIC */
/* the vector an EOI write finished and whether it was level-triggered (TMR), for the I/O APIC */
int lapic_last_eoi(const X86Lapic *a);

#endif
