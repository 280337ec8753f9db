#!/bin/bash
# Boot the c2w riscv64 artifacts (artifacts.sh) on qemu-system-riscv64, the reference for
# differential tests of packages/machine.
#
# usage: boot-qemu.sh [--save] [--shell] MODE [extra qemu args...]
#   MODE initrd  kernel + initramfs.cpio.gz, append "console=ttyS0 earlycon"
#        iso     kernel + root.iso on virtio-blk (readonly), append
#                "console=ttyS0 earlycon root=/dev/vda rootfstype=iso9660 ro init=/init"
#   --save   also write the raw boot log to $C2W_QEMU_LOGS/MODE.log (see artifacts.sh)
#   --shell  add c2w.shell=1 and run QEMU interactively on this terminal (Ctrl-A x quits)
# env: MEM (256M), KAPPEND (extra kernel args), TIMEOUT (s, 120), LOG (raw log file),
#      PLUGIN (qemu -plugin argument, e.g. for count-insns.sh), C2W_OFFLINE=1 (no builds)
# Without --shell: prints the console with [seconds] stamps and a final RESULT line with the
# wall seconds to BOOT-OK; exits 0 if BOOT-OK was printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SAVE=0 SHELL_MODE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --save) SAVE=1; shift ;; --shell) SHELL_MODE=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
MODE=${1:-}; [ $# -gt 0 ] && shift
need_cmd qemu-system-riscv64 python3
OFF=(); [ "${C2W_OFFLINE:-0}" = 1 ] && OFF=(--offline)
eval "$("$C2W_TOOLS_RV/artifacts.sh" --env "${OFF[@]}")"

KAPPEND=${KAPPEND:-}
[ "$SHELL_MODE" = 1 ] && KAPPEND="$KAPPEND c2w.shell=1"
ARGS=(-machine virt -cpu rv64 -smp 1 -m "${MEM:-256M}" -nographic -bios "$C2W_FW")
case "$MODE" in
  initrd)
    ARGS+=(-kernel "$C2W_KERNEL" -initrd "$C2W_INITRD"
           -append "console=ttyS0 earlycon${KAPPEND:+ $KAPPEND}") ;;
  iso)
    ARGS+=(-kernel "$C2W_KERNEL"
           -drive "file=$C2W_ROOT_ISO,format=raw,if=none,id=hd,readonly=on"
           -device virtio-blk-device,drive=hd
           -append "console=ttyS0 earlycon root=/dev/vda rootfstype=iso9660 ro init=/init${KAPPEND:+ $KAPPEND}") ;;
  *) die "usage: boot-qemu.sh [--save] [--shell] initrd|iso [qemu args...]" ;;
esac
[ -n "${PLUGIN:-}" ] && ARGS+=(-plugin "$PLUGIN")
echo "+ qemu-system-riscv64 ${ARGS[*]} $*" >&2
[ "$SHELL_MODE" = 1 ] && exec qemu-system-riscv64 "${ARGS[@]}" "$@"

LOGF=${LOG:-}
if [ "$SAVE" = 1 ]; then mkdir -p "$C2W_QEMU_LOGS"; LOGF=$C2W_QEMU_LOGS/$MODE.log.tmp; fi
set +e
python3 "$C2W_TOOLS_RV/run-timed.py" --stamp --timeout "${TIMEOUT:-120}" ${LOGF:+--log "$LOGF"} -- \
  qemu-system-riscv64 "${ARGS[@]}" "$@"
rc=$?
set -e
if [ "$SAVE" = 1 ]; then
  if [ $rc = 0 ]; then
    mv "$LOGF" "$C2W_QEMU_LOGS/$MODE.log"
    { echo "mode $MODE"; echo "qemu $(pkg_version qemu-system-misc)"; echo "opensbi $(pkg_version opensbi)";
      echo "fw_sha256 $C2W_FW_SHA256"; echo "kernel_sha256 $C2W_KERNEL_SHA256";
      echo "cmdline $(printf '%q ' qemu-system-riscv64 "${ARGS[@]}" "$@")"; } > "$C2W_QEMU_LOGS/$MODE.info"
    log "saved $C2W_QEMU_LOGS/$MODE.log"
  else
    rm -f "$LOGF"
  fi
fi
exit $rc
