#!/bin/bash
# Download Debian trixie riscv64 .debs by package name into $C2W_CACHE/debs, using a
# private apt state directory (the host's apt configuration is not touched). apt checks
# each .deb against the sha256 of the signed Packages index.
#
# usage: fetch-debs.sh [--offline] [--update] PKG...
#   prints one absolute .deb path per package on stdout (in argument order)
#   --offline  use only .debs already in the cache (the highest version present)
#   --update   refresh the package index even if it is already there
# env: C2W_CACHE, C2W_DEBIAN_MIRROR (default: the host's configured Debian mirror),
#      C2W_DEBIAN_SUITE (default trixie)
# Layout: $C2W_CACHE/debs/*.deb, $C2W_CACHE/debs/apt-<suite>-riscv64/{sources.list,lists,cache}
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OFFLINE=0 UPDATE=0 PKGS=()
for a in "$@"; do
  case "$a" in
    --offline) OFFLINE=1 ;; --update) UPDATE=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) die "unknown option $a" ;;
    *) PKGS+=("$a") ;;
  esac
done
[ ${#PKGS[@]} -gt 0 ] || die "no package names given"

SUITE=${C2W_DEBIAN_SUITE:-trixie}
D=$C2W_CACHE/debs
A=$D/apt-$SUITE-riscv64
mkdir -p "$D"

# Highest version of PKG already in the cache (file names are PKG_VERSION_riscv64.deb).
cached_deb() {
  local f best= bestv= v
  for f in "$D/$1"_*_riscv64.deb; do
    [ -f "$f" ] || continue
    v=$(dpkg-deb -f "$f" Version)
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bestv"; then best=$f bestv=$v; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

if [ "$OFFLINE" = 1 ]; then
  for p in "${PKGS[@]}"; do
    cached_deb "$p" || die "--offline: $p (riscv64) is not in $D; run tools/riscv64/fetch-debs.sh $p"
  done
  exit 0
fi

need_cmd apt-get apt-cache dpkg-deb flock
exec 9>"$D/.lock"
flock 9
MIRROR=${C2W_DEBIAN_MIRROR:-}
if [ -z "$MIRROR" ]; then
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$MIRROR" ] || die "cannot find the host's Debian mirror; set C2W_DEBIAN_MIRROR"
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || die "$KEYRING missing (apt-get install debian-archive-keyring)"
mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
printf 'deb [arch=riscv64 signed-by=%s] %s %s main\n' "$KEYRING" "$MIRROR" "$SUITE" > "$A/sources.list.new"
if ! cmp -s "$A/sources.list.new" "$A/sources.list" 2>/dev/null; then mv "$A/sources.list.new" "$A/sources.list"; UPDATE=1
else rm -f "$A/sources.list.new"; fi
O=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o "Dir::State::status=/dev/null"
   -o APT::Architecture=riscv64 -o APT::Architectures=riscv64 -o Debug::NoLocking=1
   -o APT::Sandbox::User=root)
if [ "$UPDATE" = 1 ] || ! ls "$A/lists/"*_Packages* >/dev/null 2>&1; then
  log "apt-get update ($SUITE riscv64, $MIRROR)"
  apt-get "${O[@]}" -qq update >&2
fi
for p in "${PKGS[@]}"; do
  v=$(apt-cache "${O[@]}" show --no-all-versions "$p" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
  [ -n "$v" ] || die "package $p not found in $SUITE riscv64"
  f=$D/${p}_${v/:/%3a}_riscv64.deb   # apt writes the epoch colon as %3a
  if [ ! -f "$f" ]; then
    log "downloading $p $v"
    (cd "$D" && apt-get "${O[@]}" -qq download "$p=$v" >&2)
    [ -f "$f" ] || die "download of $p $v did not produce $f"
  fi
  printf '%s\n' "$f"
done
