#!/bin/bash
# Run the ISA test programs on qemu-system-riscv64 (the reference for packages/machine)
# and report pass/fail. usage: run-qemu.sh [PROG...]   (default: all built programs)
# env: OUT (build dir, default ../../build/isa), TIMEOUT (s per program, default 30),
#      QEMU (default qemu-system-riscv64), VERBOSE=1 prints every program's console output,
#      BIN=1 boots the raw .bin images (loaded at 0x80000000) instead of the .elf files.
# A program passes when QEMU exits 0 (sifive_test 0x5555) and its console shows "PASS <name>".
set -uo pipefail
cd "$(dirname "$0")"
OUT=${OUT:-../../build/isa}
QEMU=${QEMU:-qemu-system-riscv64}
command -v "$QEMU" >/dev/null || { echo "run-qemu: $QEMU not found (apt-get install qemu-system-misc)" >&2; exit 2; }
if [ $# -gt 0 ]; then PROGS=("$@"); else
  PROGS=(); for f in "$OUT"/*.elf; do [ -f "$f" ] && PROGS+=("$(basename "$f" .elf)"); done
fi
[ ${#PROGS[@]} -gt 0 ] || { echo "run-qemu: no programs in $OUT (run make)" >&2; exit 2; }
pass=0 fail=0
for p in "${PROGS[@]}"; do
  elf=$OUT/$p.elf; [ "${BIN:-0}" = 1 ] && elf=$OUT/$p.bin
  [ -f "$elf" ] || { echo "FAIL $p  ($elf missing)"; fail=$((fail+1)); continue; }
  log=$OUT/$p.qemu.log
  timeout "${TIMEOUT:-30}" "$QEMU" -M virt -bios none -kernel "$elf" -nographic -m 128M \
    < /dev/null > "$log" 2>&1
  rc=$?
  tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
  [ "${VERBOSE:-0}" = 1 ] && cat "$log"
  if [ $rc = 0 ] && grep -q "^PASS $p" "$log"; then
    echo "ok   $p  ($(grep -m1 "^PASS $p" "$log"))"; pass=$((pass+1))
  else
    echo "FAIL $p  (qemu exit $rc; log $log)"; grep -E '^FAIL' "$log" | head -20 | sed 's/^/     /'
    fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
