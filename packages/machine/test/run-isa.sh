#!/bin/bash
# Run every bare-metal ISA program of test/isa on the machine (native or wasm under Node).
# usage: test/run-isa.sh native|wasm|wasm-jit [PROGRAM...] (wasm-jit: the Node host with --jit)
# Each program must print a line starting with "PASS" and exit with status 0 (sifive_test 0x5555).
set -uo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-native}; shift || true
OUT=$PWD/build/isa
# every program whose source exists (test/isa/NAME.c or NAME.S, not helpers named NAME_*.S)
SRCS=$(cd test/isa && ls *.c *.S 2>/dev/null | grep -v '_' | sed 's/\.[cS]$//' | sort -u)
for p in $SRCS; do
  make -s -C test/isa OUT="$OUT" "$OUT/$p.bin" >/dev/null || { echo "building ISA program $p failed" >&2; exit 1; }
done
case "$MODE" in
  native) RUN=(./build/native/c2w-machine) ;;
  wasm)   RUN=(node bin/c2w-machine-node.js) ;;
  wasm-jit) RUN=(node bin/c2w-machine-node.js --jit) ;;
  *) echo "usage: $0 native|wasm|wasm-jit [PROGRAM...]" >&2; exit 2 ;;
esac
PROGS=("$@")
[ ${#PROGS[@]} -gt 0 ] || PROGS=($SRCS)
fail=0
for p in "${PROGS[@]}"; do
  out=$(timeout 60 "${RUN[@]}" --bios "$OUT/$p.bin" 2>&1); rc=$?
  last=$(printf '%s\n' "$out" | grep -E '^(PASS|FAIL)' | tail -1)
  if [ $rc -eq 0 ] && [[ "$last" == PASS* ]]; then
    echo "ok   $MODE $p: $last"
  else
    echo "FAIL $MODE $p (exit $rc)"; printf '%s\n' "$out" | tail -5 | sed 's/^/     /'
    fail=1
  fi
done
exit $fail
