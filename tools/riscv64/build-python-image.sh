#!/usr/bin/env bash
# Builds a Debian trixie image with python3 for the riscv64 machine (an OCI layout, tag "latest";
# riscv64, or arm64 through qemu-user) for the e2e tests and the benchmarks: mmdebstrap resolves
# python3 and its dependencies for that architecture and extracts them (variant "extract": no
# maintainer scripts, so no foreign binary runs on this host), a setup hook makes the merged-/usr
# links (/bin, /sbin, /lib -> usr/...), an extract hook writes /etc/passwd and /etc/group and the
# links update-alternatives would make for BLAS and LAPACK (mmdebstrap runs no customize hook in
# extract mode), umoci packs the result.
# Needs root (mmdebstrap --mode=root, umoci keeps ownership) and the host's Debian mirror.
# usage: build-python-image.sh [--numpy] [--arch ARCH] [OUT_DIR]   prints the layout path; cached in
#        $C2W_CACHE/python-image/<hash of this script and the variant>/oci
#   --numpy      python3-numpy too (the floating-point cross-check against qemu-system-riscv64)
#   --arch ARCH  riscv64 (default) or arm64 (runs through qemu-user on the riscv64 machine)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PKGS=python3 ARCH=riscv64
while [ $# -gt 0 ]; do
  case "$1" in
    --numpy) PKGS=python3,python3-numpy; shift ;;
    --arch) ARCH=${2:-}; shift 2 || die "--arch needs a value" ;;
    *) break ;;
  esac
done
case "$ARCH" in riscv64) TRIPLET=riscv64-linux-gnu ;; arm64) TRIPLET=aarch64-linux-gnu ;; *) die "--arch: riscv64 or arm64, not '$ARCH'" ;; esac
key=$({ cat "$0"; echo "$PKGS $ARCH"; } | sha256sum | cut -c1-16)   # a changed recipe makes a new image
out=${1:-$C2W_CACHE/python-image/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
need_cmd mmdebstrap umoci
MIRROR=${C2W_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log "mmdebstrap trixie $ARCH: $PKGS (extract)"
mmdebstrap --quiet --variant=extract --mode=root --architectures="$ARCH" \
  --include="$PKGS" \
  --setup-hook='for d in bin sbin lib; do mkdir -p "$1/usr/$d"; ln -s "usr/$d" "$1/$d"; done' \
  --extract-hook='mkdir -p "$1/root" "$1/etc"; printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" > "$1/etc/passwd"; printf "root:x:0:\nnogroup:x:65534:\n" > "$1/etc/group"' \
  --extract-hook='for l in blas lapack; do d="$1/usr/lib/'"$TRIPLET"'"; [ ! -e "$d/$l/lib$l.so.3" ] || ln -s "$l/lib$l.so.3" "$d/lib$l.so.3"; done' \
  --format=tar trixie "$work/rootfs.tar" "deb $MIRROR trixie main"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:empty"
umoci raw add-layer --image "$work/oci:empty" --tag latest "$work/rootfs.tar"
umoci config --image "$work/oci:latest" --architecture "$ARCH" --os linux \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env LANG=C.UTF-8 \
  --config.cmd /usr/bin/python3 --config.workingdir /root
umoci rm --image "$work/oci:empty"
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
