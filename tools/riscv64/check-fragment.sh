#!/bin/bash
# Check that every option of a kernel config fragment landed in a .config with the wanted value.
#
# usage: check-fragment.sh FRAGMENT CONFIG
#   `CONFIG_X=v` lines must appear as such; `# CONFIG_X is not set` means absent or =n.
#   Prints one line per option that did not land (to stderr) and exits 1 if there is any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# = 2 ] || die "usage: check-fragment.sh FRAGMENT CONFIG"
FRAG=$1 CONFIG=$2
[ -r "$FRAG" ] || die "fragment $FRAG not readable"
[ -r "$CONFIG" ] || die "config $CONFIG not readable"
bad=0
while IFS= read -r l; do
  k=$(grep -oE 'CONFIG_[A-Za-z0-9_]+' <<<"$l" | head -1)
  if [[ "$l" == "# CONFIG_"*" is not set" ]]; then want=n; else want=${l#*=}; fi
  got=$(sed -n "s/^$k=//p" "$CONFIG" | head -1); got=${got:-n}
  if [ "$want" != "$got" ]; then log "fragment option not honoured: $k wanted '$want' got '$got'"; bad=1; fi
done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set' "$FRAG")
exit $bad
