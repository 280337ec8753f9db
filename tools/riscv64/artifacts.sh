#!/bin/bash
# Make sure the riscv64 boot artifacts exist (building them if needed) and print them.
#
# usage: artifacts.sh [--offline] [--env] [--verify-reproducible]
#   default output: one "NAME PATH" line per artifact
#   --env      print shell assignments instead (eval "$(tools/riscv64/artifacts.sh --env)"):
#                C2W_FW C2W_FW_SHA256 C2W_KERNEL C2W_KERNEL_SHA256 C2W_KERNEL_CONFIG
#                C2W_INITRD C2W_ROOT_ISO C2W_QEMU_LOGS
#   --offline  never build or download: fail clearly if something is not cached
#   --verify-reproducible  also require a second kernel build to give the same Image
#              (build-kernel.sh --verify-reproducible; recorded, so done once per kernel key)
# Firmware: Debian opensbi's generic fw_dynamic.bin (path + sha256 are reported, not copied).
# C2W_QEMU_LOGS is the directory where `boot-qemu.sh --save MODE` keeps the QEMU boot log of
# these exact artifacts (MODE.log), for differential tests of packages/machine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OFFLINE=() ENV=0 VERIFY=()
for a in "$@"; do
  case "$a" in
    --offline) OFFLINE=(--offline) ;; --env) ENV=1 ;; --verify-reproducible) VERIFY=(--verify-reproducible) ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument $a" ;;
  esac
done

[ -f "$C2W_FW_PATH" ] || die "firmware $C2W_FW_PATH missing (apt-get install opensbi)"
K=$("$C2W_TOOLS_RV/build-kernel.sh" "${OFFLINE[@]}" "${VERIFY[@]}")
T=$("$C2W_TOOLS_RV/build-test-root.sh" "${OFFLINE[@]}")
L=$C2W_CACHE/qemu-boot/$(basename "$K" | cut -c1-16)-$(basename "$T" | cut -c1-16)

emit() {
  if [ "$ENV" = 1 ]; then printf '%s=%q\n' "$1" "$2"; else printf '%s %s\n' "$1" "$2"; fi
}
emit C2W_FW "$C2W_FW_PATH"
emit C2W_FW_SHA256 "$(sha256 "$C2W_FW_PATH")"
emit C2W_KERNEL "$K/Image"
emit C2W_KERNEL_SHA256 "$(sed -n 's/  Image$//p' "$K/sha256sums")"
emit C2W_KERNEL_CONFIG "$K/config"
emit C2W_INITRD "$T/initramfs.cpio.gz"
emit C2W_ROOT_ISO "$T/root.iso"
emit C2W_QEMU_LOGS "$L"
