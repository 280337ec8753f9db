#!/bin/bash
# Build the c2w riscv64 guest kernel (Linux 6.1 Image) into a content-addressed cache.
#
# usage: build-kernel.sh [--print-key] [--offline] [--keep-build] [--force]
#   prints the cache entry directory on stdout (progress goes to stderr):
#     $C2W_CACHE/kernel/<key>/{Image,config,inputs.txt,build.log,sha256sums}
#   --print-key   print the cache key and exit
#   --offline     never build: fail if the entry is not cached
#   --keep-build  keep the extracted/built source tree ($C2W_CACHE/kernel/.build-<key>)
#   --force       rebuild even if the entry exists
# env: C2W_CACHE (default ~/.cache/c2w), JOBS (default 2), SOURCE_DATE_EPOCH
#      (default: date of the newest linux-source-6.1 Debian changelog entry)
#
# Source: Debian linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz), ARCH=riscv,
# CROSS_COMPILE=riscv64-linux-gnu-. Config: `make tinyconfig` + c2w-rv64.fragment
# (merge_config.sh) + olddefconfig; every fragment line must land in the final .config,
# otherwise the build fails. Key = sha256 of fragment, this script, package versions of
# linux-source-6.1 / gcc-riscv64-linux-gnu / gcc-12-riscv64-linux-gnu /
# binutils-riscv64-linux-gnu, and SOURCE_DATE_EPOCH. The entry appears atomically
# (built in a temp dir, then renamed), so an interrupted build leaves no partial entry.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PRINT_KEY=0 OFFLINE=0 KEEP=0 FORCE=0
for a in "$@"; do
  case "$a" in
    --print-key) PRINT_KEY=1 ;; --offline) OFFLINE=1 ;; --keep-build) KEEP=1 ;; --force) FORCE=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) die "unknown argument $a" ;;
  esac
done

FRAG=$C2W_TOOLS_RV/c2w-rv64.fragment
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
EPOCH=${SOURCE_DATE_EPOCH:-$(default_epoch)}

inputs() {
  echo "c2w-kernel-v1"
  echo "fragment $(sha256 "$FRAG")"
  echo "script $(sha256 "$0")"
  echo "linux-source-6.1 $(pkg_version linux-source-6.1)"
  echo "gcc-riscv64-linux-gnu $(pkg_version gcc-riscv64-linux-gnu)"
  echo "gcc-12-riscv64-linux-gnu $(pkg_version gcc-12-riscv64-linux-gnu)"
  echo "binutils-riscv64-linux-gnu $(pkg_version binutils-riscv64-linux-gnu)"
  echo "SOURCE_DATE_EPOCH $EPOCH"
}
INPUTS=$(inputs)
KEY=$(printf '%s\n' "$INPUTS" | sha256sum | cut -c1-64)
[ "$PRINT_KEY" = 1 ] && { echo "$KEY"; exit 0; }

KDIR=$C2W_CACHE/kernel
OUT=$KDIR/$KEY
if [ "$FORCE" = 0 ] && [ -f "$OUT/Image" ]; then
  verify_entry "$OUT" || die "cache entry $OUT is corrupted (sha256 mismatch): delete it and rebuild"
  log "cache hit: $OUT"
  echo "$OUT"; exit 0
fi
[ "$OFFLINE" = 1 ] && die "--offline: kernel not in cache (expected $OUT/Image); run tools/riscv64/build-kernel.sh"

need_cmd riscv64-linux-gnu-gcc make bc bison flex xz tar sha256sum flock
[ -r "$SRC_TAR" ] || die "$SRC_TAR missing: apt-get install linux-source-6.1"
mkdir -p "$KDIR"
exec 9>"$KDIR/.lock-$KEY"
flock 9
if [ "$FORCE" = 0 ] && [ -f "$OUT/Image" ]; then echo "$OUT"; exit 0; fi  # built meanwhile

# Fixed build path per key (keeps the build independent of temp names).
B=$KDIR/.build-$KEY
TMP=$KDIR/.tmp-$KEY.$$
trap 'rm -rf "$TMP"' EXIT
rm -rf "$B" "$TMP"; mkdir -p "$B" "$TMP"
T0=$(date +%s)
log "key $KEY; extracting $SRC_TAR"
tar -C "$B" -xf "$SRC_TAR"
SRC=$B/linux-source-6.1
[ -d "$SRC" ] || die "unexpected tarball layout (no linux-source-6.1/)"

export ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-
# uname -v shows "#1 <date>": the date is SOURCE_DATE_EPOCH in UTC, C locale
KBUILD_BUILD_TIMESTAMP=$(LC_ALL=C date -u -d "@$EPOCH")
export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER=c2w KBUILD_BUILD_HOST=c2w KBUILD_BUILD_VERSION=1
export SOURCE_DATE_EPOCH=$EPOCH LOCALVERSION= LC_ALL=C TZ=UTC
cd "$SRC"
{
  make tinyconfig
  scripts/kconfig/merge_config.sh -m .config "$FRAG"
  make olddefconfig
} > "$TMP/config.log" 2>&1 || { tail -30 "$TMP/config.log" >&2; die "configuration failed"; }

# Every option of the fragment must be in the final .config (checked again after the build).
check_fragment() {
  local bad=0 l k want got
  while IFS= read -r l; do
    k=$(grep -oE 'CONFIG_[A-Za-z0-9_]+' <<<"$l" | head -1)
    if [[ "$l" == "# CONFIG_"*" is not set" ]]; then want=n; else want=${l#*=}; fi
    got=$(sed -n "s/^$k=//p" .config | head -1); got=${got:-n}
    if [ "$want" != "$got" ]; then log "fragment option not honoured: $k wanted '$want' got '$got'"; bad=1; fi
  done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set' "$FRAG")
  return $bad
}
check_fragment || die "the kernel config does not contain every fragment option (see above)"

log "building Image with -j${JOBS:-2} (10-25 min on 2 cores); log: $B/build.log"
if ! make -j"${JOBS:-2}" Image > "$B/build.log" 2>&1; then
  tail -40 "$B/build.log" >&2; die "kernel build failed (log kept in $B/build.log)"
fi
check_fragment || die "after the build the config lost fragment options"
T1=$(date +%s)

cp arch/riscv/boot/Image "$TMP/Image"
cp .config "$TMP/config"
cp "$B/build.log" "$TMP/build.log"
{ printf '%s\n' "$INPUTS"; echo "key $KEY"; echo "kernelrelease $(make -s kernelrelease)";
  echo "build_seconds $((T1 - T0))"; } > "$TMP/inputs.txt"
(cd "$TMP" && sha256sum Image config > sha256sums)
cd /
rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
[ "$KEEP" = 1 ] || rm -rf "$B"
log "built in $((T1 - T0)) s: $OUT/Image ($(stat -c %s "$OUT/Image") bytes, sha256 $(sha256 "$OUT/Image"))"
echo "$OUT"
