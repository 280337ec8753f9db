#!/usr/bin/env bash
# Builds the benchmark image once and caches it: Debian bookworm (minbase + python3, pip, venv, gcc)
# as an OCI layout with three gzip layers (the rootfs, a docs-removal layer of whiteouts, and a layer
# written through the merged-/usr `bin -> usr/bin` symlink). Output: $CACHE/oci tag "bench".
# Needs root (mmdebstrap --mode=root, umoci preserves ownership) and the host's apt sources.
set -euo pipefail
CACHE=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/c2w/bench}
SRC=${SRC:-/etc/apt/sources.list.d/debian.sources}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
mkdir -p "$CACHE"
[ -f "$CACHE/oci/index.json" ] && umoci ls --layout "$CACHE/oci" | grep -qx bench && exit 0
if [ ! -s "$CACHE/rootfs.tar" ]; then
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar \
    --include=python3,python3-pip,python3-venv,gcc,libc6-dev \
    bookworm "$CACHE/rootfs.tar.tmp" "$SRC"
  mv "$CACHE/rootfs.tar.tmp" "$CACHE/rootfs.tar"
fi
T=$CACHE/extra; rm -rf "$T" "$CACHE/oci"; mkdir -p "$T/l2/usr/share" "$T/l3/bin"
: > "$T/l2/usr/share/.wh.doc"; : > "$T/l2/usr/share/.wh.man"
mkdir -p "$T/l2/usr/share/locale"; : > "$T/l2/usr/share/locale/.wh..wh..opq"
printf '#!/bin/sh\necho hello\n' > "$T/l3/bin/hello"; chmod 755 "$T/l3/bin/hello"
(cd "$T/l2" && tar --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf ../l2.tar usr)
(cd "$T/l3" && tar --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf ../l3.tar bin/hello)
L=$CACHE/oci
umoci init --layout "$L"; umoci new --image "$L:empty"
umoci raw add-layer --image "$L:empty" --tag l1 "$CACHE/rootfs.tar"
umoci raw add-layer --image "$L:l1" --tag l2 "$T/l2.tar"
umoci raw add-layer --image "$L:l2" --tag l3 "$T/l3.tar"
umoci config --image "$L:l3" --tag bench --architecture amd64 --os linux --config.cmd /usr/bin/python3
for t in empty l1 l2 l3; do umoci rm --image "$L:$t"; done
umoci gc --layout "$L"
rm -rf "$T"
