/* MC146818A registers (datasheet table 2, registers A-D); see rtc.h. */
#include <string.h>
#include "rtc.h"

void rtc_reset(X86Rtc *r, int64_t now_unix_ns) {
  memset(r, 0, sizeof *r);
  r->reg_a = 0x26;       /* 32.768 kHz time base, 1024 Hz rate */
  r->reg_b = 0x02;       /* 24-hour, BCD */
  r->base_ns = now_unix_ns;
}

void rtc_set_time(X86Rtc *r, int64_t now_unix_ns, uint64_t tsc, uint64_t tsc_hz) {
  r->base_ns = now_unix_ns - (int64_t)(tsc / tsc_hz) * 1000000000 - (int64_t)((tsc % tsc_hz) * 1000000000 / tsc_hz);
}

static uint8_t enc(const X86Rtc *r, unsigned v) { return (r->reg_b & 4) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10)); }

/* civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted) */
static void civil(int64_t days, unsigned *y, unsigned *m, unsigned *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = (unsigned)(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

uint8_t rtc_read(X86Rtc *r, uint64_t tsc, uint64_t tsc_hz) {
  unsigned i = r->index & 0x7f;
  if (i > 9 && i < 14) {
    switch (i) {
    case 10: return r->reg_a;            /* UIP never set */
    case 11: return r->reg_b;
    case 12: return 0;                   /* no interrupt flags */
    default: return 0x80;                /* valid RAM and time */
    }
  }
  if (i >= 10) return r->ram[i];
  int64_t ns = r->base_ns + (int64_t)(tsc / tsc_hz) * 1000000000 + (int64_t)((tsc % tsc_hz) * 1000000000 / tsc_hz);
  int64_t t = ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  unsigned secs = (unsigned)(t - days * 86400), y, mo, d;
  civil(days, &y, &mo, &d);
  switch (i) {
  case 0: return enc(r, secs % 60);
  case 2: return enc(r, secs / 60 % 60);
  case 4: {
    unsigned h = secs / 3600;
    if (r->reg_b & 2) return enc(r, h);
    return (uint8_t)(enc(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
  }
  case 6: return (uint8_t)(((days + 4) % 7 + 7) % 7 + 1); /* 1970-01-01 was a Thursday; Sunday = 1 */
  case 7: return enc(r, d);
  case 8: return enc(r, mo);
  case 9: return enc(r, y % 100);
  default: return r->ram[i];             /* alarm registers */
  }
}

void rtc_write_index(X86Rtc *r, uint8_t v) { r->index = v; }

void rtc_write(X86Rtc *r, uint8_t v) {
  unsigned i = r->index & 0x7f;
  if (i == 10) r->reg_a = v & 0x7f;
  else if (i == 11) r->reg_b = v;
  else if (i > 13) r->ram[i] = v;
  /* setting the time is not kept: the clock follows the host */
}
