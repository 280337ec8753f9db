#!/usr/bin/env bash
# Startup cost of two c2w trees side by side (docs/decisions/0051): N rounds, each a cold
# `node TREE/packages/c2w/bin/run.js ARGS...` of tree A then tree B (alternating, so both see the
# same host load), stdin /dev/null; prints the median CPU seconds (user + sys, every thread) and
# wall seconds per tree, from GNU time. Not run by `npm run bench` (the leading _).
# usage: tools/bench/_startup-pair.sh N TREE_A TREE_B -- ARGS...
#   e.g. tools/bench/_startup-pair.sh 7 /tmp/old-tree . -- run out/example -- echo hello
set -euo pipefail
n=$1; a=$2; b=$3; shift 4
res=$(mktemp); t=$(mktemp); err=$(mktemp)
trap 'rm -f "$res" "$t" "$err"' EXIT
for _ in $(seq "$n"); do
  for tree in "$a" "$b"; do
    if ! /usr/bin/time -f "%U %S %e" -o "$t" node "$tree/packages/c2w/bin/run.js" "$@" </dev/null >/dev/null 2>"$err"; then
      echo "failed in $tree:" >&2; cat "$err" >&2; exit 1
    fi
    read -r user sys wall < "$t"
    echo "$tree $(echo "$user + $sys" | bc) $wall" >> "$res"
  done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for tree in "$a" "$b"; do
  cpu=$(awk -v t="$tree" '$1 == t { print $2 }' "$res" | median)
  wall=$(awk -v t="$tree" '$1 == t { print $3 }' "$res" | median)
  echo "$tree cpu=$cpu wall=$wall"
done
