#!/usr/bin/env bash
# Builds an amd64 Debian bookworm image with python3 and numpy (an OCI layout, tag "latest") for the
# x86_64 e2e tests and the amd64 python benchmark (issue 13's image, without sympy): mmdebstrap
# minbase on this amd64 host, so maintainer scripts run (numpy finds libblas.so.3 through the
# alternatives they set up; the riscv64 image's "extract" variant would leave it missing).
# Needs an amd64 host, root (mmdebstrap --mode=root, umoci keeps ownership) and the Debian mirror.
# usage: build-python-image.sh [OUT_DIR]   prints the layout path; cached in
#        $C2W_CACHE/python-image-amd64/<hash of this script>/oci
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"
key=$(sha256sum "$0" | cut -c1-16)   # a changed recipe makes a new image
out=${1:-$C2W_CACHE/python-image-amd64/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
need_cmd mmdebstrap umoci
[ "$(dpkg --print-architecture)" = amd64 ] || die "needs an amd64 host (maintainer scripts run natively)"
MIRROR=${C2W_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log "mmdebstrap bookworm amd64: python3, python3-numpy (minbase)"
mmdebstrap --quiet --variant=minbase --mode=root --architectures=amd64 \
  --include=python3,python3-numpy \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
  --format=tar bookworm "$work/rootfs.tar" "deb $MIRROR bookworm main"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:empty"
umoci raw add-layer --image "$work/oci:empty" --tag latest "$work/rootfs.tar"
umoci config --image "$work/oci:latest" --architecture amd64 --os linux \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env LANG=C.UTF-8 \
  --config.cmd /usr/bin/python3 --config.workingdir /root
umoci rm --image "$work/oci:empty"
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
