#!/bin/bash
# Make sure the x86_64 boot artifacts exist (building them if needed) and print them.
#
# usage: artifacts.sh [--offline] [--env] [--verify-reproducible]
#   default output: one "NAME PATH" line per artifact
#   --env      print shell assignments instead (eval "$(tools/x86_64/artifacts.sh --env)"):
#                C2W_X86_KERNEL C2W_X86_KERNEL_SHA256 C2W_X86_KERNEL_CONFIG
#   --offline  never build or download: fail clearly if something is not cached
#   --verify-reproducible  also require a second kernel build to give the same vmlinux
#              (build-kernel.sh --verify-reproducible; recorded, so done once per kernel key;
#              not part of .ci/setup: see docs/decisions/0023-x86_64-kernel-and-amd64-guest.md)
# The kernel is the stripped vmlinux ELF that QEMU's microvm and our x86_64 board load through its
# PVH note. The amd64 guest base comes from emu-build (`emu-build --arch amd64`), not from here.
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"

OFFLINE=() ENV=0 VERIFY=()
for a in "$@"; do
  case "$a" in
    --offline) OFFLINE=(--offline) ;; --env) ENV=1 ;; --verify-reproducible) VERIFY=(--verify-reproducible) ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument $a" ;;
  esac
done

K=$("$(dirname "$0")/build-kernel.sh" "${OFFLINE[@]}" "${VERIFY[@]}")

emit() {
  if [ "$ENV" = 1 ]; then printf '%s=%q\n' "$1" "$2"; else printf '%s %s\n' "$1" "$2"; fi
}
emit C2W_X86_KERNEL "$K/vmlinux"
emit C2W_X86_KERNEL_SHA256 "$(sed -n 's/  vmlinux$//p' "$K/sha256sums")"
emit C2W_X86_KERNEL_CONFIG "$K/config"
