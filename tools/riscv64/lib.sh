# Shared helpers for tools/riscv64/*.sh (sourced, not executed).
# Cache root: $C2W_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/c2w.

C2W_TOOLS_RV=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
C2W_CACHE=${C2W_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/c2w}
C2W_FW_PATH=${C2W_FW_PATH:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# Version of an installed Debian package, or die with the apt-get hint.
pkg_version() {
  local v
  v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || true
  [ -n "$v" ] || die "Debian package $1 is not installed (see .ci/apt-packages.txt)"
  printf '%s' "$v"
}

need_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || die "missing command '$c' (see .ci/apt-packages.txt)"; done
}

# Default SOURCE_DATE_EPOCH of the test roots: a constant, so it depends on nothing the host has
# installed (the kernel's comes from its source's changelog; see build-kernel.sh).
default_epoch() {
  echo 1700000000
}

# Verify an entry's sha256sums file (written by our build scripts). Returns 1 on mismatch.
verify_entry() {
  (cd "$1" && sha256sum --quiet -c sha256sums >/dev/null 2>&1)
}
