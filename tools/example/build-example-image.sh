#!/usr/bin/env bash
# Builds the bundled example image: a riscv64 OCI image with Debian trixie's busybox-static and a
# two-layer history (tools/example/example-layers.sh, shared with the amd64 example). Made with
# umoci; the .deb is fetched by name from the Debian archive (tools/riscv64/fetch-debs.sh).
# Output: $1 (default ~/.cache/c2w/example/oci), tag "latest".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/example-layers.sh"
key=$(cat "$0" "$here/example-layers.sh" | sha256sum | cut -c1-16)   # a changed recipe makes a new image
out=${1:-${C2W_CACHE:-$HOME/.cache/c2w}/example/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
deb=$(bash "$here/../riscv64/fetch-debs.sh" busybox-static)
dpkg-deb -x "$deb" "$work/deb"
bb=$work/deb/usr/bin/busybox
[ -f "$bb" ] || { echo "build-example-image: no usr/bin/busybox in $deb" >&2; exit 3; }
example_image "$bb" riscv64 "$work" "$out"
