#!/usr/bin/env bash
# The main job on the bundled example image: build the riscv64 busybox example image from Debian
# packages, convert it with `c2w convert` (the first run also builds the runtime pack: Debian
# packages, machine.wasm and, unless cached in ~/.cache/c2w, the kernel), then run it in
# WebAssembly under Node: once with the image's own command, once with an override.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
img=$(bash tools/example/build-example-image.sh | tail -n 1)
c2w() { node packages/c2w/bin/run.js "$@"; }
c2w convert --force "oci:$img:latest" out/example
echo '$ c2w run out/example'
c2w run out/example
echo '$ c2w run out/example -- sh -c '\''echo hello from $(uname -m); exit 7'\'''
status=0; c2w run out/example -- sh -c 'echo hello from $(uname -m); exit 7' || status=$?
echo "exit status: $status"
[ "$status" = 7 ]
