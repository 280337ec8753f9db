#!/usr/bin/env bash
# The main job on the bundled example image. Until `c2w convert` lands, it flattens the example
# image to a root filesystem tar and shows what it contains.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
img=$(bash tools/example/build-example-image.sh)
mkdir -p out
node packages/c2w/bin/run.js layer-flatten --config-out out/example-config.json "oci:$img:latest" out/example-rootfs.tar
echo "wrote out/example-rootfs.tar ($(stat -c %s out/example-rootfs.tar) bytes) and out/example-config.json:"
bsdtar -tvf out/example-rootfs.tar
