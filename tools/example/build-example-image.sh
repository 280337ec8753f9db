#!/usr/bin/env bash
# Builds the bundled example image: a riscv64 OCI image with Debian trixie's busybox-static and a
# two-layer history (the second layer deletes a file, so flattening has a whiteout to apply). Made
# with umoci; the .deb is fetched by name from the Debian archive (tools/riscv64/fetch-debs.sh).
# Output: $1 (default ~/.cache/c2w/example/oci), tag "latest".
set -euo pipefail
key=$(sha256sum "$0" | cut -c1-16)   # a changed recipe makes a new image
out=${1:-${C2W_CACHE:-$HOME/.cache/c2w}/example/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
deb=$(bash "$here/../riscv64/fetch-debs.sh" busybox-static)
dpkg-deb -x "$deb" "$work/deb"
bb=$work/deb/usr/bin/busybox
[ -f "$bb" ] || { echo "build-example-image: no usr/bin/busybox in $deb" >&2; exit 3; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
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
umoci config --image "$work/oci:latest" --architecture riscv64 --os linux --config.cmd /bin/sh --config.cmd -c --config.cmd 'cat /etc/motd; uname -m' \
  --config.env PATH=/bin --config.workingdir /root
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
