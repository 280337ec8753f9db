#!/usr/bin/env bash
# Builds the amd64 example image: tools/example/build-example-image.sh's image (busybox-static, the
# same two layers with a whiteout, the same config) from Debian trixie's amd64 busybox-static, for
# the x86_64 machine's e2e tests. mmdebstrap (variant extract) fetches the .deb by name through the
# host's Debian mirror and checks it against the signed index; nothing is run.
# EXAMPLE_ARCH=arm64 builds it from the arm64 package instead (the qemu-user e2e tests).
# usage: build-example-image.sh [OUT_DIR]   prints the layout path; cached in
#        $C2W_CACHE/example-<arch>/<hash of this script and the recipe>/oci, tag "latest"
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"
. "$(dirname "$0")/../example/example-layers.sh"
key=$(cat "$0" "$(dirname "$0")/../example/example-layers.sh" | sha256sum | cut -c1-16)   # a changed recipe makes a new image
arch=${EXAMPLE_ARCH:-amd64}
case "$arch" in amd64|arm64) ;; *) die "EXAMPLE_ARCH must be amd64 or arm64, not '$arch'" ;; esac
out=${1:-$C2W_CACHE/example-$arch/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
need_cmd mmdebstrap umoci
MIRROR=${C2W_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log "mmdebstrap trixie $arch: busybox-static (extract)"
mmdebstrap --quiet --variant=extract --mode=root --architectures="$arch" --include=busybox-static \
  --format=directory trixie "$work/deb" "deb $MIRROR trixie main"
bb=$work/deb/usr/bin/busybox
[ -f "$bb" ] || die "no usr/bin/busybox in the busybox-static package"
example_image "$bb" "$arch" "$work" "$out"
