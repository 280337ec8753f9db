#!/usr/bin/env bash
# The main job on the bundled example image: build the riscv64 busybox example image from Debian
# packages, build the runtime pack with emu-build (Debian packages, machine.wasm and, unless cached
# in ~/.cache/c2w, the kernel: the only slow step, once), convert the image with `c2w convert`
# (which takes the pack from $C2W_PACK, as it would from the installed @c2w/runtime-pack-riscv64),
# then run it in WebAssembly under Node: once with the image's own command, once with an override.
# tools/pack.js and e2e/test/install.e2e.test.ts do the same from the npm tarballs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
img=$(bash tools/example/build-example-image.sh | tail -n 1)
node packages/emu-build/bin/run.js --out out/pack
c2w() { node packages/c2w/bin/run.js "$@"; }
C2W_PACK=out/pack c2w convert --force "oci:$img:latest" out/example
echo '$ c2w run out/example'
c2w run out/example
echo '$ c2w run out/example -- sh -c '\''echo hello from $(uname -m); exit 7'\'''
status=0; c2w run out/example -- sh -c 'echo hello from $(uname -m); exit 7' || status=$?
echo "exit status: $status"
[ "$status" = 7 ]
