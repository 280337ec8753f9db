/* rv64m: multiply and divide, including the high-half products of every signedness,
   division by zero and signed overflow (INT_MIN / -1), and the W forms. */
#include "test.h"
#include "ops.h"

#define MIN64 0x8000000000000000ULL
#define MAX64 0x7fffffffffffffffULL
#define ONES  0xffffffffffffffffULL

int main(void)
{
  section("mul");
  CHECK(RR("mul", 3, 4), 12);
  CHECK(RR("mul", -1, -1), 1);
  CHECK(RR("mul", MAX64, 2), 0xfffffffffffffffeULL);
  CHECK(RR("mul", 0x123456789ULL, 0x987654321ULL), 0xd77d742cce1833a9ULL);   /* low 64 bits */
  CHECK(RR("mulh", -1, -1), 0);
  CHECK(RR("mulh", MIN64, MIN64), 0x4000000000000000ULL);
  CHECK(RR("mulh", -1, 1), ONES);
  CHECK(RR("mulh", 0x4000000000000000ULL, 4), 1);
  CHECK(RR("mulh", MIN64, 1), ONES);
  CHECK(RR("mulh", MAX64, MAX64), 0x3fffffffffffffffULL);
  CHECK(RR("mulhu", -1, -1), 0xfffffffffffffffeULL);
  CHECK(RR("mulhu", MIN64, 2), 1);
  CHECK(RR("mulhu", 0x123456789ULL, 0x987654321ULL), 0xA);
  CHECK(RR("mulhsu", -1, ONES), ONES);          /* -1 * (2^64-1) */
  CHECK(RR("mulhsu", 1, ONES), 0);
  CHECK(RR("mulhsu", MIN64, 2), ONES);          /* -2^63 * 2 = -2^64 */
  CHECK(RR("mulhsu", -2, MIN64), ONES);         /* -2 * 2^63 */
  CHECK(RR("mulhsu", MAX64, ONES), 0x7ffffffffffffffeULL);
  CHECK(RR("mulhsu", -1, 1), ONES);
  section("mulw");
  CHECK(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffeULL);
  CHECK(RR("mulw", 0x100000003ULL, 5), 15);
  CHECK(RR("mulw", 0x10000, 0x8000), 0xffffffff80000000ULL);
  CHECK(RR("mulw", -1, -1), 1);
  section("div");
  CHECK(RR("div", 7, 2), 3);
  CHECK(RR("div", -7, 2), -3);
  CHECK(RR("div", 7, -2), -3);
  CHECK(RR("div", -7, -2), 3);
  CHECK(RR("div", 5, 0), ONES);
  CHECK(RR("div", -5, 0), ONES);
  CHECK(RR("div", MIN64, -1), MIN64);
  CHECK(RR("div", MIN64, 1), MIN64);
  CHECK(RR("divu", 7, 0), ONES);
  CHECK(RR("divu", -1, 2), MAX64);
  CHECK(RR("divu", MIN64, -1), 0);
  CHECK(RR("divu", 100, 7), 14);
  CHECK(RR("rem", 7, 2), 1);
  CHECK(RR("rem", -7, 2), -1);
  CHECK(RR("rem", 7, -2), 1);
  CHECK(RR("rem", -7, -2), -1);
  CHECK(RR("rem", 5, 0), 5);
  CHECK(RR("rem", -5, 0), -5);
  CHECK(RR("rem", MIN64, -1), 0);
  CHECK(RR("remu", 7, 0), 7);
  CHECK(RR("remu", -1, 10), 5);
  CHECK(RR("remu", MIN64, -1), MIN64);
  section("divw");
  CHECK(RR("divw", 0x80000000, -1), 0xffffffff80000000ULL);
  CHECK(RR("divw", 5, 0), ONES);
  CHECK(RR("divw", -7, 2), -3);
  CHECK(RR("divw", 0x100000007ULL, 2), 3);
  CHECK(RR("divw", 0xfffffff9, 0x100000002ULL), -3);    /* upper halves ignored */
  CHECK(RR("divuw", 0xffffffff, 2), 0x7fffffff);
  CHECK(RR("divuw", 5, 0), ONES);
  CHECK(RR("divuw", 0x80000000, 1), 0xffffffff80000000ULL);
  CHECK(RR("divuw", -1, 0x100000001ULL), 0xffffffffffffffffULL);
  CHECK(RR("remw", 0x80000000, -1), 0);
  CHECK(RR("remw", 7, 0), 7);
  CHECK(RR("remw", 0xfffffff9, 2), -1);
  CHECK(RR("remw", 0x180000000ULL, 0), 0xffffffff80000000ULL);
  CHECK(RR("remw", 0x90000000, 0x10), 0);
  CHECK(RR("remw", -17, 16), -1);
  CHECK(RR("remuw", 0xfffffff9, 0), 0xfffffffffffffff9ULL);
  CHECK(RR("remuw", 0x80000001, 0x80000000), 1);
  CHECK(RR("remuw", 0xfffffffe, 0xffffffff), 0xfffffffffffffffeULL);
  CHECK(RR("remuw", 0x1000000010ULL, 7), 2);
  return 0;
}
