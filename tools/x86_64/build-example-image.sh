#!/usr/bin/env bash
# Builds the amd64 example image: tools/example/build-example-image.sh's image (busybox-static, the
# same two layers with a whiteout, the same config) from Debian trixie's amd64 busybox-static, for
# the x86_64 machine's e2e tests. mmdebstrap (variant extract) fetches the .deb by name through the
# host's Debian mirror and checks it against the signed index; nothing is run.
# usage: build-example-image.sh [OUT_DIR]   prints the layout path; cached in
#        $C2W_CACHE/example-amd64/<hash of this script>/oci, tag "latest"
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"
key=$(sha256sum "$0" | cut -c1-16)   # a changed recipe makes a new image
out=${1:-$C2W_CACHE/example-amd64/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
need_cmd mmdebstrap umoci
MIRROR=${C2W_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log "mmdebstrap trixie amd64: busybox-static (extract)"
mmdebstrap --quiet --variant=extract --mode=root --architectures=amd64 --include=busybox-static \
  --format=directory trixie "$work/deb" "deb $MIRROR trixie main"
bb=$work/deb/usr/bin/busybox
[ -f "$bb" ] || die "no usr/bin/busybox in the busybox-static package"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:latest"
umoci unpack --image "$work/oci:latest" "$work/bundle" >/dev/null
r=$work/bundle/rootfs
mkdir -p "$r"/{bin,etc,tmp,root}
cp "$bb" "$r/bin/busybox"
for a in sh echo cat ls uname id env true false sleep mkdir rm wc head grep; do ln -s busybox "$r/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
printf 'hello from the c2w example image\n' > "$r/etc/motd"
printf 'this file is deleted by the next layer\n' > "$r/etc/obsolete"
chmod 1777 "$r/tmp"
umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
rm "$r/etc/obsolete"
umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
umoci config --image "$work/oci:latest" --architecture amd64 --os linux --config.cmd /bin/sh --config.cmd -c --config.cmd 'cat /etc/motd; uname -m' \
  --config.env PATH=/bin --config.workingdir /root
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
