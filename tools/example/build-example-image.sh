#!/usr/bin/env bash
# Builds the bundled example image: an OCI layout with Debian's busybox-static and a two-layer history
# (the second layer deletes a file, so flattening has a whiteout to apply). Made with umoci from the
# host's Debian packages only. Output: $1 (default ~/.cache/c2w/example/oci), tag "latest".
set -euo pipefail
out=${1:-${C2W_CACHE:-$HOME/.cache/c2w}/example/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
bb=/bin/busybox
[ -x "$bb" ] || { echo "build-example-image: $bb missing (apt-get install busybox-static)" >&2; exit 3; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
umoci init --layout "$work/oci"
umoci new --image "$work/oci:latest"
umoci unpack --image "$work/oci:latest" "$work/bundle" >/dev/null
r=$work/bundle/rootfs
mkdir -p "$r"/{bin,etc,tmp,root}
cp "$bb" "$r/bin/busybox"
for a in sh echo cat ls uname id env true false; do ln -s busybox "$r/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
printf 'hello from the c2w example image\n' > "$r/etc/motd"
printf 'this file is deleted by the next layer\n' > "$r/etc/obsolete"
chmod 1777 "$r/tmp"
umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
rm "$r/etc/obsolete"
umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
umoci config --image "$work/oci:latest" --config.entrypoint /bin/sh --config.cmd -c --config.cmd 'cat /etc/motd; uname -m' \
  --config.env PATH=/bin --config.workingdir /root
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
