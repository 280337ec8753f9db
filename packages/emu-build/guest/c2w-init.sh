#!/bin/sh
# c2w guest init (PID 1), installed by emu-build as /usr/sbin/c2w-init (busybox sh).
# Boot:    root=/dev/vda (the ISO: guest.tar + container root at /oci/rootfs), init=/usr/sbin/c2w-init
# Channel: the other virtio disk holds a tar written by the host at run time (README "Run channel"):
#          config.json (OCI runtime config for runc, root.path "rootfs"), c2w/arch, c2w/time,
#          c2w/mounts (virtio-9p shares of c2w run --mount), c2w/stdin (tty or port),
#          c2w/tty ("ROWS COLS": c2w run -t, the container gets a pty that follows the host's size),
#          c2w/upper (the UUID of the ext4 disk holding the writable layer; without it, a tmpfs),
#          c2w/net (dhcp: c2w run --net, a virtio-net on the host's user-mode network).
# Exit:    the container's status goes to the finisher (sifive_test at 0x100000; 0xfeb80000 on x86_64):
#          0 -> devmem writes 0x5555; N -> (N << 16) | 0x3333 (poweroff -f if that fails). Setup failures exit 125.
# Silent unless c2w.debug=1 is on the kernel command line (then traces go to the console).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
B=/run/c2w/bundle

mount -t proc proc /proc
debug=0 channel= shell=0 snapshot=0
for a in $(cat /proc/cmdline); do
  case "$a" in
    c2w.debug=1) debug=1 ;;
    c2w.shell=1) shell=1 ;;
    c2w.channel=*) channel=${a#c2w.channel=} ;;
    c2w.snapshot=1) snapshot=1 ;;
  esac
done
log() { [ "$debug" = 1 ] && echo "c2w-init: $*" >&2; return 0; }

# The machine's finisher and console gate (+4): the sifive_test address on riscv64, a page
# outside RAM on the x86_64 board (packages/machine native/x86_64/microvm.h).
case "$(uname -m)" in x86_64) FINISHER=0xfeb80000 GATE=0xfeb80004 ;; *) FINISHER=0x100000 GATE=0x100004 ;; esac
open_gate() { devmem $GATE 32 1 2>/dev/null; }

finish() {
  sync
  # unmounted, the disk is clean for the next run (a kill before this leaves the journal to replay)
  [ -n "$upper_disk" ] && { umount "$B/rootfs" 2>/dev/null; umount /run/c2w/disk 2>/dev/null; }
  log "exit status $1"
  # Straight to the finisher (needs CONFIG_DEVMEM): the kernel's own power-off path would print
  # "reboot: Power down" on the container's console. 0x5555 = success, (N << 16) | 0x3333 = N.
  if [ "$1" -eq 0 ]; then devmem $FINISHER 32 0x5555 2>/dev/null
  else devmem $FINISHER 32 $(( ($1 << 16) | 0x3333 )) 2>/dev/null
  fi
  echo "c2w-init: cannot report exit status $1 (no /dev/mem)" >&2
  poweroff -f
  sleep 1000000
}
fail() { echo "c2w-init: $*" >&2; finish 125; }

mount -t sysfs sysfs /sys || fail "cannot mount /sys"
grep -q "^[^ ]* /dev " /proc/mounts || mount -t devtmpfs devtmpfs /dev || fail "cannot mount /dev"
mount -t tmpfs -o mode=0755 tmpfs /run || fail "cannot mount /run"
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "cannot mount /tmp"
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || log "no cgroup2"
log "mounted proc sys dev run tmp"

if [ "$shell" = 1 ]; then
  export PS1='# '
  open_gate
  setsid cttyhack sh -i
  finish $?
fi

# Pre-booted snapshot (docs/decisions/0038): the machine stops here at conversion and resumes with
# the run request; the channel disk, probed empty, then gets its size (wait for the kernel to see it).
if [ "$snapshot" = 1 ]; then
  [ "$(cat /proc/sys/kernel/random/entropy_avail)" -lt 256 ] || fail "the kernel's crng was seeded while booting for the snapshot: every run would share its state"
  devmem $GATE 32 2 2>/dev/null || fail "cannot signal the snapshot wait (no /dev/mem)"
  i=0
  while grep -qx 0 /sys/block/vd*/size && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.01; done
  # the crng is unseeded until the run's virtio-rng bytes are credited (ADR 0041): nothing of the
  # container may draw from the snapshot's random state (entropy_avail reaches 256 when seeded)
  i=0
  while [ "$(cat /proc/sys/kernel/random/entropy_avail)" -lt 256 ] && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.01; done
  [ $i -lt 500 ] || fail "the kernel's random pool got no entropy from the host (virtio-rng)"
fi
# The channel is the first virtio disk that is not the root device, unless c2w.channel= names it.
if [ -z "$channel" ]; then
  root=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
  for d in /sys/block/vd*; do
    [ -r "$d/dev" ] || continue
    [ "$(cat "$d/dev")" = "$root" ] && continue
    # a tar has "ustar" at byte 257; the writable-layer disk (ext4) does not
    [ "$(dd if="/dev/${d##*/}" bs=1 skip=257 count=5 2>/dev/null)" = ustar ] || continue
    channel=/dev/${d##*/}
    break
  done
fi
[ -n "$channel" ] || fail "no run channel (a second virtio disk holding a tar)"
mkdir -p "$B/rootfs"
tar -x -f "$channel" -C "$B" || fail "cannot read the run channel $channel"
[ -f "$B/config.json" ] || fail "run channel $channel has no config.json"
log "channel $channel: $(ls "$B" "$B/c2w" 2>/dev/null | tr '\n' ' ')"

# c2w/time is the host's clock when the run began, before the boot: it moves a clock that is behind
# it (riscv64 has no RTC, a snapshot's clock is the conversion's) and never sets one back: x86_64's
# RTC reads the host's clock, which the boot's seconds would otherwise be taken off (ADR 0050)
if [ -s "$B/c2w/time" ]; then
  t=$(cat "$B/c2w/time")
  [ "$(date +%s)" -ge "$t" ] 2>/dev/null || date -s "@$t" >/dev/null 2>&1 || log "cannot set the clock"
fi

# ---- the writable layer (docs/decisions/0032) --------------------------------------------------
# c2w/upper names the ext4 disk by its UUID (superblock bytes 1128..1143): its upper/ and work/
# directories become the overlay's, so writes go to a host file (and persist with --name).
# Without c2w/upper the layer is a tmpfs in guest RAM, as before.
upper_disk=
setup_upper() {
  U=/run/c2w/upper W=/run/c2w/work
  if [ -s "$B/c2w/upper" ]; then
    want=$(cat "$B/c2w/upper")
    for d in /sys/block/vd*; do
      uuid=$(dd if="/dev/${d##*/}" bs=1 skip=1128 count=16 2>/dev/null | od -An -tx1 | tr -d ' \n')
      [ "$uuid" = "$want" ] && { upper_disk=/dev/${d##*/}; break; }
    done
    [ -n "$upper_disk" ] || fail "no disk with the writable layer's file system (UUID $want)"
    mkdir -p /run/c2w/disk
    mount -t ext4 "$upper_disk" /run/c2w/disk || fail "cannot mount the writable layer's disk $upper_disk (ext4)"
    U=/run/c2w/disk/upper W=/run/c2w/disk/work
    log "writable layer on $upper_disk"
  fi
  mkdir -p "$U" "$W" || fail "cannot create the writable layer's directories"
}
setup_upper
mount -t overlay overlay -o "lowerdir=/oci/rootfs,upperdir=$U,workdir=$W" "$B/rootfs" ||
  fail "cannot mount the container root (overlay of /oci/rootfs)"
# c2w commit: the merged root (overlayfs applies whiteouts and opaque dirs) onto the disk whose first
# bytes are the host's "c2w-commit-out" marker: its xattrs (c2w-xattrs, binary-safe), then a tar.
if [ -s "$B/c2w/commit" ]; then
  out=
  for d in /sys/block/vd*; do
    [ "$(dd if="/dev/${d##*/}" bs=14 count=1 2>/dev/null)" = c2w-commit-out ] && out=/dev/${d##*/}
  done
  [ -n "$out" ] || fail "no commit output disk (marker c2w-commit-out)"
  log "commit: the container root onto $out"
  (cd "$B/rootfs" && { c2w-xattrs . && tar -c -f - .; } > "$out") || fail "cannot write the container root to $out"
  finish 0
fi

# ---- host directories (c2w run --mount) ------------------------------------------------------
# c2w/mounts lists the machine's virtio-9p shares, one "index tag ro|rw" per line; each is mounted
# at /run/c2w/mnt/<index>, and config.json (written by the host) bind-mounts it into the container.
if [ -s "$B/c2w/mounts" ]; then
  while read -r n tag mode; do
    mkdir -p "/run/c2w/mnt/$n" || fail "cannot create /run/c2w/mnt/$n"
    mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$mode" "$tag" "/run/c2w/mnt/$n" ||
      fail "cannot mount host directory $tag (virtio-9p)"
    log "9p $tag on /run/c2w/mnt/$n ($mode)"
  done < "$B/c2w/mounts"
fi
# ---- end of host directories -------------------------------------------------------------------

# ---- network (c2w run --net, docs/decisions/0030) ----------------------------------------------
# eth0 gets its address by DHCP from the host's user-mode network; the container has no network
# namespace of its own, so it shares eth0, and gets the resolver file in its (overlay) root.
if [ -s "$B/c2w/net" ]; then
  ip link set lo up
  ip link set eth0 up || fail "no network device eth0 (a machine without virtio-net?)"
  how=DHCP
  if ! udhcpc -i eth0 -f -q -n -t 4 -T 1 -s /usr/share/c2w/udhcpc.script >/dev/null 2>&1; then
    how=static
    # a kernel without AF_PACKET cannot do DHCP; the user-mode network's addresses are fixed
    log "no DHCP lease; static 10.0.2.15/24"
    ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 || fail "cannot configure eth0"
    echo "nameserver 10.0.2.3" > /run/c2w/resolv.conf
  fi
  mkdir -p "$B/rootfs/etc" && rm -f "$B/rootfs/etc/resolv.conf" && cp /run/c2w/resolv.conf "$B/rootfs/etc/resolv.conf" ||
    fail "cannot write the container's /etc/resolv.conf"
  log "eth0 by $how: $(ip -4 addr show dev eth0 | awk '/inet /{print $2}'), $(cat /run/c2w/resolv.conf)"
fi
# ---- end of network -----------------------------------------------------------------------------

# the guest's own architecture (OCI name) runs natively; only others need qemu-user (riscv64 guest)
native=$(uname -m)
[ "$native" = x86_64 ] && native=amd64
arch=$native
[ -s "$B/c2w/arch" ] && arch=$(cat "$B/c2w/arch")
if [ "$arch" != "$native" ]; then
  # F (fix binary): the kernel opens the emulator now, so it works inside the container's root;
  # P: the program's own argv[0] reaches it (packages/emu-build/src/guest/binfmt.ts).
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null
  [ -f "/etc/c2w/binfmt/$arch" ] || fail "no emulator for image architecture $arch in this pack"
  cat "/etc/c2w/binfmt/$arch" > /proc/sys/fs/binfmt_misc/register || fail "cannot register binfmt_misc for $arch"
  log "binfmt_misc: $arch"
fi

# the OCI runtime emu-build installed (crun, or runc: docs/decisions/0042); its state lives in /run/<name>
rt=$(cat /etc/c2w/oci-runtime 2>/dev/null) || rt=runc
# Its errors also go to a JSON log (both runtimes take --log and --log-format; crun still prints
# them on the container's stderr), so the exit status can say why a command did not start.
rt_log=/run/c2w/runtime.log
# The runtime's exit status $1 as Docker gives it (docker/cli's toStatusError, ADR 0066): when the
# runtime failed (1, and an error in its log) 127 for a command not found, 126 for one that is not
# runnable, 125 for any other failure to start; otherwise the container's own status.
run_status() {
  [ "$1" = 1 ] || { echo "$1"; return; }
  e=$(grep '"level": *"error"' "$rt_log" 2>/dev/null) || { echo 1; return; }
  case "$(echo "$e" | tr 'A-Z' 'a-z')" in
    *"not found"*|*"no such file or directory"*) echo 127 ;;
    *"permission denied"*|*"is a directory"*|*"not executable"*|*"not a regular file"*) echo 126 ;;
    *) echo 125 ;;
  esac
}
log "$rt run"
cd "$B" || fail "no bundle"
# The console is the container's stdin/stdout, a byte pipe to the host: no echo, no line editing,
# no \n -> \r\n (the host's terminal, if any, does all of that).
[ "$debug" = 1 ] || stty raw -echo 2>/dev/null || log "cannot set the console to raw mode"
# Open the machine's console gate (syscon offset 4): input the host holds since boot now reaches
# the container's stdin, none of it eaten by the kernel's UART setup or echoed by a cooked tty.
open_gate || log "cannot open the console gate"
# A virtio-console port by name (/sys/class/virtio-ports/*/name, no udev): the kernel creates it
# while booting, the name may come a moment later.
find_port() {
  port= i=0
  while [ $i -lt 50 ]; do
    i=$((i + 1))
    for n in /sys/class/virtio-ports/*/name; do
      [ "$(cat "$n" 2>/dev/null)" = "$1" ] && { p=${n%/name}; port=/dev/${p##*/}; }
    done
    [ -c "$port" ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- the container's terminal (c2w run -t, docs/decisions/0036) --------------------------------
# config.json asks the runtime for a pty (process.terminal, consoleSize); crun/runc in the foreground
# copies between it and its own stdin/stdout (the raw console) and, on SIGWINCH, copies the console's
# size to the pty, whose foreground processes then get SIGWINCH. The console takes the host's size now
# and each "ROWS COLS" line the machine's c2w.winsize port brings; runc is signalled by hand, since
# the console is nobody's controlling terminal.
if [ -s "$B/c2w/tty" ]; then
  read -r rows cols < "$B/c2w/tty"
  # -onlcr: runc clears ONLCR on the pty and turns OPOST on here; the host terminal (raw, but with
  # ONLCR, as Node and xterm's convertEol leave it) then gives \r\n once. crun keeps the pty's ONLCR
  # (docker's pty does too), so \r\n leaves the guest and a host terminal shows \r\r\n (ADR 0042)
  stty -F /dev/console -onlcr rows "$rows" cols "$cols" 2>/dev/null || log "cannot set the console's size"
  find_port c2w.winsize || fail "no c2w.winsize port (machine without --winsize?)"
  log "tty ${rows}x${cols}, sizes from $port"
  # explicit stdin: a background job's stdin would be /dev/null
  "$rt" --root "/run/$rt" --log="$rt_log" --log-format=json run --bundle "$B" c2w < /dev/console &
  runc_pid=$!
  while read -r rows cols; do
    stty -F /dev/console rows "$rows" cols "$cols" 2>/dev/null && kill -WINCH "$runc_pid" 2>/dev/null
  done < "$port" &
  resizer=$!
  wait "$runc_pid"
  status=$?
  kill "$resizer" 2>/dev/null
  finish "$(run_status $status)"
fi

# stdin: c2w/stdin = port (the host's input is a pipe or file): the machine's virtio-console port
# named c2w.stdin, whose reads return 0 once the host input ended (docs/decisions/0010).
stdin=tty
[ -s "$B/c2w/stdin" ] && stdin=$(cat "$B/c2w/stdin")
src=
if [ "$stdin" = port ]; then
  find_port c2w.stdin || fail "no c2w.stdin port (machine without --stdin-port?)"
  log "stdin from $port"
  src=$port
fi
# The container's stdio are pipes, as under docker run without -t: runc made its own, crun would
# hand the container the console itself (a tty: ls in columns, [ -t 1 ] true). stdin is fed
# through a FIFO by a cat that is ended once the runtime exits; stdout and stderr share one pipe.
# The console is our inherited fd 0: opened anew, the feeder hung the pipeline (QEMU's UART). It
# is handed to the feeder as fd 3: a background job's fd 0 is /dev/null before its own redirections
# (POSIX, no job control), so `cat <&0 &` read /dev/null and the container's stdin ended at once.
# dd, not cat: busybox cat copies with sendfile(), which on a tty returns only when its 16 MiB are
# in or the input ends, so typed lines never reached the container; dd passes each read on.
mkfifo /run/c2w/stdin || fail "cannot create /run/c2w/stdin"
if [ -n "$src" ]; then cat < "$src" > /run/c2w/stdin & else exec 3<&0; dd bs=4096 <&3 > /run/c2w/stdin 2>/dev/null 3<&- & exec 3<&-; fi
feeder=$!
{ "$rt" --root "/run/$rt" --log="$rt_log" --log-format=json run --bundle "$B" c2w < /run/c2w/stdin 2>&1; echo $? > /run/c2w/status; } | cat
kill "$feeder" 2>/dev/null
finish "$(run_status "$(cat /run/c2w/status 2>/dev/null || echo 125)")"
