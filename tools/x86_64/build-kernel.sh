#!/bin/bash
# Build the c2w x86_64 guest kernel (Linux 6.1 vmlinux with its PVH note) into a content-addressed
# cache.
#
# usage: build-kernel.sh [--print-key] [--offline] [--keep-build] [--force] [--verify-reproducible]
#   prints the cache entry directory on stdout (progress goes to stderr):
#     $C2W_CACHE/kernel-x86_64/<key>/{vmlinux,config,inputs.txt,build.log,sha256sums[,reproduced]}
#   --print-key   print the cache key and exit
#   --offline     never build or download: fail if the entry is not cached
#   --keep-build  keep the extracted/built source tree ($C2W_CACHE/kernel-x86_64/.build-<key>)
#   --force       rebuild even if the entry exists
#   --verify-reproducible
#                 build the same key a second time in another directory and require a
#                 byte-identical vmlinux (result kept in <entry>/reproduced)
# env: C2W_CACHE (default ~/.cache/c2w), JOBS (default 2), SOURCE_DATE_EPOCH (default: the date
#      of the newest Debian changelog entry of the source), and the source (emu-build passes
#      these; without them tools/riscv64/kernel-source.mjs fetches it): SRC_TAR SRC_VERSION
#      SRC_SHA256 SRC_SUITE SRC_EPOCH
#
# Same source, settings and cache discipline as tools/riscv64/build-kernel.sh (a copy, not a
# shared script: that script's digest is part of the riscv64 key, so it stays untouched).
# ARCH=x86_64 with the host gcc on amd64 hosts, CROSS_COMPILE=x86_64-linux-gnu- elsewhere
# (Debian's gcc-x86-64-linux-gnu, .ci/apt-packages-not-amd64.txt). Config: `make tinyconfig` +
# c2w-x86_64.fragment + olddefconfig; every fragment line must land in the final .config. The
# artifact is the uncompressed vmlinux ELF, stripped, which the machine and QEMU's microvm load
# through its PVH entry note (checked here). Key = sha256 of the fragment, this script, the
# source .deb's version and sha256, the toolchain's package versions (and libelf-dev's: objtool
# rewrites the objects) and SOURCE_DATE_EPOCH. The entry appears atomically.
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"
C2W_TOOLS_X86=$(cd "$(dirname "$0")" && pwd)

PRINT_KEY=0 OFFLINE=0 KEEP=0 FORCE=0 VERIFY=0
for a in "$@"; do
  case "$a" in
    --print-key) PRINT_KEY=1 ;; --offline) OFFLINE=1 ;; --keep-build) KEEP=1 ;; --force) FORCE=1 ;;
    --verify-reproducible) VERIFY=1 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) die "unknown argument $a" ;;
  esac
done

FRAG=$C2W_TOOLS_X86/c2w-x86_64.fragment
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
  CROSS= TOOLCHAIN=(gcc-12 binutils libelf-dev)
else
  CROSS=x86_64-linux-gnu- TOOLCHAIN=(gcc-12-x86-64-linux-gnu binutils-x86-64-linux-gnu libelf-dev)
fi
if [ -z "${SRC_TAR:-}" ]; then
  src=$(node "$C2W_TOOLS_RV/kernel-source.mjs" $([ "$OFFLINE" = 1 ] && echo --offline)) || die "cannot get the kernel source (see above)"
  eval "$src"
fi
: "${SRC_VERSION:?}" "${SRC_SHA256:?}" "${SRC_EPOCH:?}"
EPOCH=${SOURCE_DATE_EPOCH:-$SRC_EPOCH}

# The declared inputs without the toolchain (known without it installed), then with it.
inputs_base() {
  echo "c2w-kernel-x86_64-v1"
  echo "fragment $(sha256 "$FRAG")"
  echo "script $(sha256 "$0")"
  echo "linux-source-6.1 $SRC_VERSION sha256:$SRC_SHA256"
  echo "SOURCE_DATE_EPOCH $EPOCH"
}
toolchain_installed() {
  local p
  for p in "${TOOLCHAIN[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1; done
}
KDIR=$C2W_CACHE/kernel-x86_64

if [ "$OFFLINE" = 1 ] && ! toolchain_installed; then
  # A copied cache on a host without the compiler: the entry built from the same source,
  # fragment, script and epoch is the answer whatever toolchain built it.
  BASE=$(inputs_base) FOUND=
  for d in $(ls -td "$KDIR"/*/ 2>/dev/null); do
    [ -f "$d/vmlinux" ] && [ -f "$d/inputs.txt" ] || continue
    if [ "$(grep -vE '^(gcc-|binutils|libelf-dev |key |kernelrelease |build_seconds )' "$d/inputs.txt")" = "$BASE" ]; then FOUND=${d%/}; break; fi
  done
  [ -n "$FOUND" ] || die "--offline: no cached x86_64 kernel for these inputs in $KDIR, and the toolchain (${TOOLCHAIN[*]}) is not installed to compute its key"
  [ "$PRINT_KEY" = 1 ] && { basename "$FOUND"; exit 0; }
  verify_entry "$FOUND" || die "cache entry $FOUND is corrupted (sha256 mismatch): delete it and rebuild"
  log "toolchain not installed; using the cached entry $FOUND"
  echo "$FOUND"; exit 0
fi

INPUTS=$(inputs_base; for p in "${TOOLCHAIN[@]}"; do echo "$p $(pkg_version "$p")"; done)
KEY=$(printf '%s\n' "$INPUTS" | sha256sum | cut -c1-64)
[ "$PRINT_KEY" = 1 ] && { echo "$KEY"; exit 0; }

OUT=$KDIR/$KEY

# The PVH entry is an ELF note of the "Xen" owner, type XEN_ELFNOTE_PHYS32_ENTRY (18 = 0x12).
has_pvh_note() {
  LC_ALL=C readelf -n "$1" | grep -qE '^[[:space:]]+Xen[[:space:]]+0x[0-9a-f]+[[:space:]]+(Unknown note type: \(0x00000012\)|NT_.*PHYS32_ENTRY)'
}

# build_tree DIR: extract, configure, check the fragment and build vmlinux in DIR (a fixed path
# per key and purpose). Leaves DIR/linux-source-6.1 with vmlinux and .config.
build_tree() {
  local b=$1 src
  rm -rf "$b"; mkdir -p "$b"
  log "key $KEY; extracting $SRC_TAR"
  tar -C "$b" -xf "$SRC_TAR"
  src=$b/linux-source-6.1
  [ -d "$src" ] || die "unexpected tarball layout (no linux-source-6.1/)"
  (
    export ARCH=x86_64 CROSS_COMPILE=$CROSS
    # uname -v shows "#1 <date>": the date is SOURCE_DATE_EPOCH in UTC, C locale
    KBUILD_BUILD_TIMESTAMP=$(LC_ALL=C date -u -d "@$EPOCH")
    export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER=c2w KBUILD_BUILD_HOST=c2w KBUILD_BUILD_VERSION=1
    export SOURCE_DATE_EPOCH=$EPOCH LOCALVERSION= LC_ALL=C TZ=UTC
    cd "$src"
    {
      make tinyconfig
      scripts/kconfig/merge_config.sh -m .config "$FRAG"
      make olddefconfig
    } > "$b/config.log" 2>&1 || { tail -30 "$b/config.log" >&2; die "configuration failed"; }
    "$C2W_TOOLS_RV/check-fragment.sh" "$FRAG" .config || die "the kernel config does not contain every fragment option (see above)"
    log "building vmlinux with -j${JOBS:-2} (about 10 min on 2 cores); log: $b/build.log"
    if ! make -j"${JOBS:-2}" vmlinux > "$b/build.log" 2>&1; then
      tail -40 "$b/build.log" >&2; die "kernel build failed (log kept in $b/build.log)"
    fi
    "$C2W_TOOLS_RV/check-fragment.sh" "$FRAG" .config || die "after the build the config lost fragment options"
    make -s kernelrelease > "$b/kernelrelease"
    # symbols and debug info off; the PT_NOTE segment (and so the PVH entry) stays
    "${CROSS}strip" -o "$b/vmlinux" vmlinux
    has_pvh_note "$b/vmlinux" || die "the stripped vmlinux has no PVH entry note (readelf -n $b/vmlinux)"
  )
}

need_build() { [ "$FORCE" = 1 ] || [ ! -f "$OUT/vmlinux" ]; }
if ! need_build; then
  verify_entry "$OUT" || die "cache entry $OUT is corrupted (sha256 mismatch): delete it and rebuild"
  log "cache hit: $OUT"
elif [ "$OFFLINE" = 1 ]; then
  die "--offline: x86_64 kernel not in cache (expected $OUT/vmlinux); run tools/x86_64/build-kernel.sh"
fi

if need_build || { [ "$VERIFY" = 1 ] && ! grep -qs "^identical " "$OUT/reproduced"; }; then
  [ "$OFFLINE" = 1 ] && die "--offline: the reproducibility of $OUT was never checked; run with --verify-reproducible online"
  need_cmd "${CROSS}gcc" "${CROSS}strip" readelf make bc bison flex xz tar sha256sum flock
  [ -r "$SRC_TAR" ] || die "kernel source $SRC_TAR is missing"
  mkdir -p "$KDIR"
  exec 9>"$KDIR/.lock-$KEY"
  flock 9
fi

if need_build && ! { [ "$FORCE" = 0 ] && [ -f "$OUT/vmlinux" ]; }; then  # (not built meanwhile)
  B=$KDIR/.build-$KEY
  TMP=$KDIR/.tmp-$KEY.$$
  trap 'rm -rf "$TMP"' EXIT
  rm -rf "$TMP"; mkdir -p "$TMP"
  T0=$(date +%s)
  build_tree "$B"
  T1=$(date +%s)
  cp "$B/vmlinux" "$TMP/vmlinux"
  cp "$B/linux-source-6.1/.config" "$TMP/config"
  cp "$B/build.log" "$TMP/build.log"
  { printf '%s\n' "$INPUTS"; echo "key $KEY"; echo "kernelrelease $(cat "$B/kernelrelease")";
    echo "build_seconds $((T1 - T0))"; } > "$TMP/inputs.txt"
  (cd "$TMP" && sha256sum vmlinux config > sha256sums)
  rm -rf "$OUT"
  mv "$TMP" "$OUT"
  trap - EXIT
  [ "$KEEP" = 1 ] || rm -rf "$B"
  log "built in $((T1 - T0)) s: $OUT/vmlinux ($(stat -c %s "$OUT/vmlinux") bytes, sha256 $(sha256 "$OUT/vmlinux"))"
fi

if [ "$VERIFY" = 1 ]; then
  if grep -qs "^identical " "$OUT/reproduced"; then
    log "reproducible (checked: $(head -1 "$OUT/reproduced"))"
  else
    # Another path and another directory depth than the first build: paths must not leak in.
    R=$KDIR/.repro-$KEY/second/build
    T0=$(date +%s)
    build_tree "$R"
    T1=$(date +%s)
    first=$(sha256 "$OUT/vmlinux") second=$(sha256 "$R/vmlinux")
    if [ "$first" != "$second" ]; then
      cp "$R/vmlinux" "$OUT/vmlinux.second"
      die "the x86_64 kernel is not reproducible: vmlinux $first, second build $second (kept as $OUT/vmlinux.second)"
    fi
    printf 'identical vmlinux sha256:%s, second build in %s (%s s) on %s\n' "$first" "$R" "$((T1 - T0))" "$(date -u +%FT%TZ)" > "$OUT/reproduced"
    rm -rf "$KDIR/.repro-$KEY"
    log "reproducible: a second build in $R gave the same vmlinux ($first)"
  fi
fi
echo "$OUT"
