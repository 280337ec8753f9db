#!/bin/bash
# Build the riscv64 guest test root (busybox + our /init) used to boot-test the machine.
#
# usage: build-test-root.sh [--print-key] [--offline] [--force]
#   prints the cache entry directory on stdout (progress on stderr):
#     $C2W_CACHE/testroot/<key>/{initramfs.cpio.gz,root.iso,files.txt,inputs.txt,sha256sums}
# env: C2W_CACHE, SOURCE_DATE_EPOCH (default: same default as build-kernel.sh)
#
# busybox-static comes from Debian trixie riscv64 (fetch-debs.sh). Applet links are made
# from `busybox --list-full` run under qemu-riscv64-static. /init (PID 1):
#   mounts proc, sys, devtmpfs; prints BOOT-OK, `uname -a`, uptime, root mount, cpu isa;
#   with `c2w.shell=1` on the kernel command line: prints C2W-SHELL and runs an
#   interactive sh on the console (PS1='# '); when it exits, powers off;
#   otherwise: sources /extra.sh if present, then `poweroff -f`.
# Packed as initramfs.cpio.gz (newc, gzip -n) and root.iso (ISO 9660 + Rock Ridge, volume
# C2WROOT). Deterministic: sorted, owner 0:0, every mtime = SOURCE_DATE_EPOCH.
# (The ISO is written with `xorriso -as mkisofs -R`, the mkisofs options of genisoimage,
# because xorriso honours SOURCE_DATE_EPOCH; genisoimage stamps the current time into the
# volume descriptor and the Rock Ridge ctimes. tools/iso-pack will replace it.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PRINT_KEY=0 OFFLINE=0 FORCE=0
for a in "$@"; do
  case "$a" in
    --print-key) PRINT_KEY=1 ;; --offline) OFFLINE=1 ;; --force) FORCE=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument $a" ;;
  esac
done
EPOCH=${SOURCE_DATE_EPOCH:-$(default_epoch)}
FOPT=(); [ "$OFFLINE" = 1 ] && FOPT=(--offline)
BBDEB=$("$C2W_TOOLS_RV/fetch-debs.sh" "${FOPT[@]}" busybox-static)

inputs() {
  echo "c2w-testroot-v1"
  echo "script $(sha256 "$0")"
  echo "busybox-static $(dpkg-deb -f "$BBDEB" Version) $(sha256 "$BBDEB")"
  echo "xorriso $(pkg_version xorriso)"
  echo "cpio $(pkg_version cpio)"
  echo "gzip $(pkg_version gzip)"
  echo "SOURCE_DATE_EPOCH $EPOCH"
}
INPUTS=$(inputs)
KEY=$(printf '%s\n' "$INPUTS" | sha256sum | cut -c1-64)
[ "$PRINT_KEY" = 1 ] && { echo "$KEY"; exit 0; }

TDIR=$C2W_CACHE/testroot
OUT=$TDIR/$KEY
if [ "$FORCE" = 0 ] && [ -f "$OUT/root.iso" ]; then
  verify_entry "$OUT" || die "cache entry $OUT is corrupted (sha256 mismatch): delete it and rebuild"
  log "cache hit: $OUT"; echo "$OUT"; exit 0
fi
[ "$OFFLINE" = 1 ] && die "--offline: test root not in cache (expected $OUT); run tools/riscv64/build-test-root.sh"
need_cmd qemu-riscv64-static cpio gzip xorriso dpkg-deb flock
mkdir -p "$TDIR"
exec 9>"$TDIR/.lock"
flock 9

TMP=$TDIR/.tmp-$KEY.$$
trap 'rm -rf "$TMP"' EXIT
rm -rf "$TMP"; mkdir -p "$TMP/x"
umask 022
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=$EPOCH
dpkg-deb -x "$BBDEB" "$TMP/x"
BB=$TMP/x/usr/bin/busybox
[ -f "$BB" ] || die "no usr/bin/busybox in $BBDEB"
ROOT=$TMP/root
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,etc,root,var}
chmod 1777 "$ROOT/tmp"
install -m 755 "$BB" "$ROOT/bin/busybox"
APPLETS=$(qemu-riscv64-static "$BB" --list-full | LC_ALL=C sort)
[ -n "$APPLETS" ] || die "busybox --list-full under qemu-riscv64-static printed nothing"
for a in $APPLETS; do
  [ "$a" = bin/busybox ] && continue
  d=$(dirname "$a")
  if [ "$d" = . ]; then t=bin/busybox; else t=$(sed 's#[^/]*#..#g' <<<"$d")/bin/busybox; fi
  ln -sf "$t" "$ROOT/$a"   # relative link: valid in the initramfs and on the ISO
done

cat > "$ROOT/init" <<'INIT'
#!/bin/sh
# c2w test root init (tools/riscv64/build-test-root.sh)
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# devtmpfs is already on /dev when the root is a block device (CONFIG_DEVTMPFS_MOUNT)
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
echo BOOT-OK
uname -a
echo "uptime: $(cat /proc/uptime)"
echo "root: $(grep -m1 ' / ' /proc/mounts)"
echo "cpu: $(grep -E '^(isa|mmu)' /proc/cpuinfo | tr '\n' ' ')"
case " $(cat /proc/cmdline) " in
  *" c2w.shell=1 "*)
    echo C2W-SHELL
    export PS1='# '
    # cttyhack gives the shell the console's real tty as controlling terminal
    setsid cttyhack sh -i
    echo "C2W-SHELL-EXIT $?"
    poweroff -f ;;
esac
[ -f /extra.sh ] && . /extra.sh
poweroff -f
INIT
chmod 755 "$ROOT/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"
chmod 644 "$ROOT/etc/passwd" "$ROOT/etc/group"
find "$ROOT" -exec touch -h -d "@$EPOCH" {} +

( cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --reproducible --quiet | gzip -9 -n ) \
  > "$TMP/initramfs.cpio.gz"
xorriso -as mkisofs -quiet -R -V C2WROOT -o "$TMP/root.iso" "$ROOT" 2> "$TMP/xorriso.log" \
  || { cat "$TMP/xorriso.log" >&2; die "xorriso failed"; }
rm -f "$TMP/xorriso.log"
( cd "$ROOT" && find . | LC_ALL=C sort | while IFS= read -r f; do
    if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else stat -c '%n %A %s' "$f"; fi
  done ) > "$TMP/files.txt"
{ printf '%s\n' "$INPUTS"; echo "key $KEY"; } > "$TMP/inputs.txt"
rm -rf "$TMP/x" "$TMP/root"
(cd "$TMP" && sha256sum initramfs.cpio.gz root.iso > sha256sums)
rm -rf "$OUT"; mv "$TMP" "$OUT"; trap - EXIT
log "built $OUT: initramfs.cpio.gz $(stat -c %s "$OUT/initramfs.cpio.gz") B, root.iso $(stat -c %s "$OUT/root.iso") B"
echo "$OUT"
