# The example image's recipe, shared by both architectures (sourced, not run): two layers on an empty
# image (the second deletes a file, so flattening has a whiteout to apply) and the same config.
# usage: example_image BUSYBOX ARCH WORK OUT   BUSYBOX a static busybox for ARCH (OCI name);
#        builds in WORK/oci and moves the layout to OUT (atomically), then prints OUT.
example_image() {
  local bb=$1 arch=$2 work=$3 out=$4 r
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:latest"
  umoci unpack --image "$work/oci:latest" "$work/bundle" >/dev/null
  r=$work/bundle/rootfs
  mkdir -p "$r"/{bin,etc,tmp,root}
  cp "$bb" "$r/bin/busybox"
  for a in sh echo cat ls uname id env true false sleep mkdir rm wc head grep; do ln -s busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
  printf 'hello from the c2w example image\n' > "$r/etc/motd"
  printf 'this file is deleted by the next layer\n' > "$r/etc/obsolete"
  chmod 1777 "$r/tmp"
  umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
  rm "$r/etc/obsolete"
  umoci repack --image "$work/oci:latest" "$work/bundle" >/dev/null
  umoci config --image "$work/oci:latest" --architecture "$arch" --os linux --config.cmd /bin/sh --config.cmd -c --config.cmd 'cat /etc/motd; uname -m' \
    --config.env PATH=/bin --config.workingdir /root
  umoci gc --layout "$work/oci"
  mkdir -p "$(dirname "$out")"
  rm -rf "$out.tmp"; cp -r "$work/oci" "$out.tmp"; mv "$out.tmp" "$out"
  echo "$out"
}
