/* CMOS real-time clock (Motorola MC146818A datasheet) at ports 0x70/0x71: the time and date in
 * BCD or binary, 24 or 12 hours by register B, the update-in-progress flag never set (updates
 * are instant), no alarms or periodic interrupts, 114 bytes of CMOS memory. The time is the
 * host's at start (to the nanosecond: Linux reads whole seconds once at boot, and a second lost at
 * start would add to that one) plus the guest TSC's time. Part of the microvm board. */
#ifndef C2W_X86_RTC_H
#define C2W_X86_RTC_H
#include <stdint.h>

typedef struct X86Rtc {
  uint8_t index;
  uint8_t reg_a, reg_b;
  uint8_t ram[128];
  int64_t base_ns;     /* Unix time at TSC 0, in nanoseconds */
} X86Rtc;

void rtc_reset(X86Rtc *r, int64_t now_unix_ns);
/* the clock reads now_unix_ns at TSC `tsc` from here on (a resumed snapshot: the host's time, not the boot's) */
void rtc_set_time(X86Rtc *r, int64_t now_unix_ns, uint64_t tsc, uint64_t tsc_hz);
uint8_t rtc_read(X86Rtc *r, uint64_t tsc, uint64_t tsc_hz);
void rtc_write_index(X86Rtc *r, uint8_t v);
void rtc_write(X86Rtc *r, uint8_t v);

#endif
