/* A static glibc program: start-up (TLS, IRELATIVE relocations chosen by CPUID), stdio with
 * integer and floating-point formats, the SSE2 string functions, malloc, qsort, strtod and libm.
 * glibc picks its routines from what CPUID advertises, so this checks that the advertised set is
 * really there. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  unsigned long x = 88172645463325252UL;
  char buf[256], big[5000];
  for (int i = 0; i < 40; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    double d = (double)(long)x / 1e9, e = ldexp((double)(x >> 11), (int)(x % 200) - 150);
    snprintf(buf, sizeof buf, "%ld %lu %lx %o %d %.3f %.10e %g %a %.0f %5.2f%%", (long)x, x, x, (unsigned)(x >> 40),
             (int)(x >> 33), d, e, e, d, d, fmod(d, 100));
    printf("%s | %zu\n", buf, strlen(buf));
  }
  double v[200];
  for (int i = 0; i < 200; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; v[i] = (double)(x % 100000) / 7.0 - 5000; }
  qsort(v, 200, sizeof v[0], cmp);
  printf("sorted %.6f %.6f %.6f\n", v[0], v[100], v[199]);
  printf("math %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", sqrt(2.0), exp(1.0), log(10.0), sin(1.0), cos(2.0),
         pow(1.5, 20.5), atan2(1.0, 3.0));
  printf("round %g %g %g %g\n", floor(-2.5), ceil(-2.5), round(2.5), trunc(-2.7));
  printf("strtod %.17g %.17g %g\n", strtod("3.14159265358979323846", NULL), strtod("1e-310", NULL), strtod("0x1.8p3", NULL));
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  big[4321] = 'y';
  char *m = malloc(100000);
  for (int i = 0; i < 100000; i++) m[i] = (char)('a' + i % 26);
  m[99999] = 0;
  printf("str %zu %td %td %d %d %td\n", strlen(big), strchr(big, 'y') - big, strrchr(m, 'q') - m, strcmp(big, big + 1),
         memcmp(m, m + 26, 5000), (char *)memchr(m, 'z', 100000) - m);
  printf("strstr %td %td\n", strstr(m, "xyzab") - m, strstr(big, "xy") - big);
  char *cpy = malloc(100000);
  memcpy(cpy, m, 100000);
  memmove(cpy + 1, cpy, 50000);
  printf("copy %d %s\n", memcmp(cpy + 1, m, 50000), cpy + 99990);
  free(cpy);
  free(m);
  for (int i = 0; i < 2000; i++) free(malloc((size_t)(i * 37 % 3000) + 1));
  printf("done\n");
  return 0;
}
