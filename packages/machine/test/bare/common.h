#ifndef BARE_COMMON_H
#define BARE_COMMON_H
typedef unsigned long u64;
typedef unsigned int u32;
#define UART ((volatile unsigned char *)0x10000000)
static inline void putch(char c) { *UART = (unsigned char)c; }
static inline void puts_(const char *s) { while (*s) putch(*s++); }
static inline void puthex(u64 v) { puts_("0x"); for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]); }
#endif
