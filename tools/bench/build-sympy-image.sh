#!/usr/bin/env bash
# Builds a riscv64 Debian trixie image with python3 and sympy (Debian python3-sympy, which brings
# python3-mpmath) as an OCI layout, tag "latest", for the import timing in docs/bench/lookup.md.
# As tools/riscv64/build-python-image.sh (variant "extract", no maintainer scripts run), plus the
# bytecode: postinst's py3compile does not run in "extract", so this script compiles every
# module, as the package's install would; without it, every run would compile sympy (about 1,500
# modules) in the guest. A host CPython 3.13 compiles them (bytecode depends on the minor version
# only: trixie has 3.13): $C2W_PYTHON313 or python3.13 on PATH. The image's own python3 under
# qemu-riscv64-static managed about one module a second, and its worker pool fails under qemu-user.
# usage: build-sympy-image.sh [OUT_DIR]   prints the layout path; cached in
#        $C2W_CACHE/sympy-image/<hash of this script>/oci
set -euo pipefail
. "$(dirname "$0")/../riscv64/lib.sh"
key=$(sha256sum "$0" | cut -c1-16)
out=${1:-$C2W_CACHE/sympy-image/$key/oci}
[ -f "$out/index.json" ] && { echo "$out"; exit 0; }
need_cmd mmdebstrap umoci
PY313=${C2W_PYTHON313:-$(command -v python3.13 || true)}
[ -n "$PY313" ] && "$PY313" -c 'import sys; assert sys.version_info[:2] == (3, 13)' || die "needs a CPython 3.13 to compile the bytecode: set C2W_PYTHON313"
export PY313
MIRROR=${C2W_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
log "mmdebstrap trixie riscv64: python3 python3-sympy (extract)"
mmdebstrap --quiet --variant=extract --mode=root --architectures=riscv64 \
  --include=python3,python3-sympy \
  --setup-hook='for d in bin sbin lib; do mkdir -p "$1/usr/$d"; ln -s "usr/$d" "$1/$d"; done' \
  --extract-hook='mkdir -p "$1/root" "$1/etc"; printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" > "$1/etc/passwd"; printf "root:x:0:\nnogroup:x:65534:\n" > "$1/etc/group"' \
  --format=tar trixie "$work/rootfs.tar" "deb $MIRROR trixie main"
# the bytecode, on the extracted root (mmdebstrap runs no customize hook in extract mode);
# compileall exits 1 when any module does not compile, so the check below decides
mkdir "$work/root"
tar -xpf "$work/rootfs.tar" -C "$work/root"
# --invalidation-mode unchecked-hash: .pyc files that do not depend on the sources' mtimes
"$PY313" -m compileall -q -j 2 --invalidation-mode unchecked-hash -s "$work/root" -p / "$work/root/usr/lib/python3" "$work/root/usr/lib/python3.13" >/dev/null || true
tar --sort=name --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime -cf "$work/rootfs.tar" -C "$work/root" .
[ "$(tar -tf "$work/rootfs.tar" | grep -c 'sympy/__pycache__/__init__\.')" -gt 0 ] || die "no sympy bytecode in the image (compileall failed)"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:empty"
umoci raw add-layer --image "$work/oci:empty" --tag latest "$work/rootfs.tar"
umoci config --image "$work/oci:latest" --architecture riscv64 --os linux \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env LANG=C.UTF-8 \
  --config.cmd /usr/bin/python3 --config.workingdir /root
umoci rm --image "$work/oci:empty"
umoci gc --layout "$work/oci"
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
echo "$out"
