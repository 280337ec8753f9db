import { InputError } from '@c2w/errors';

/**
 * Applets that busybox installs into sbin or usr/sbin (from `busybox --list-full` of Debian
 * trixie's busybox-static 1:1.37.0-6+b9, run once by hand under qemu-riscv64-static; see the test
 * fixture README). The applet names themselves come from the binary (applet table), so only the
 * directory is taken from here; an applet not listed goes to usr/bin.
 */
const SBIN = new Set(('acpid adjtimex arp blockdev depmod devmem fdisk findfs freeramdisk fstrim getty halt hwclock ifconfig ' +
  'ifdown ifup init insmod ip klogd loadkmap logread losetup lsmod mdev mkdosfs mke2fs mkswap modinfo modprobe nameif ' +
  'pivot_root poweroff reboot rmmod route run-init start-stop-daemon sulogin swapoff swapon switch_root sysctl syslogd ' +
  'tc tunctl udhcpc uevent vconfig watchdog arping brctl chroot crond fsfreeze httpd i2cdetect i2cdump i2cget i2cset ' +
  'i2ctransfer loadfont mim nbd-client nologin partprobe rdate telnetd ubirename udhcpd').split(' '));

/** Applets busybox lists but that make no sense as links (linuxrc is the initrd entry point). */
const SKIP = new Set(['linuxrc', 'busybox']);

/** Where the link for an applet goes in a merged-/usr tree (`usr/bin/ls`, `usr/sbin/ip`). */
export function appletPath(name: string): string {
  return SBIN.has(name) ? `usr/sbin/${name}` : `usr/bin/${name}`;
}

/**
 * The applet names embedded in a busybox binary. Busybox keeps them as one NUL-separated, sorted
 * string (`applet_names`, starting "[\0[[\0"); reading it avoids running the riscv64 binary on
 * the build host, which c2w never does. Streams the file and keeps a small overlap window.
 */
export async function appletNames(binary: AsyncIterable<Uint8Array>, what: string): Promise<string[]> {
  const marker = Buffer.from('[\0[[\0', 'latin1');
  let buf = Buffer.alloc(0);
  let found = false;
  for await (const chunk of binary) {
    buf = Buffer.concat([buf, chunk]);
    if (!found) {
      const at = buf.indexOf(marker);
      if (at < 0) { buf = buf.subarray(Math.max(0, buf.length - marker.length + 1)); continue; }
      buf = buf.subarray(at);
      found = true;
    }
    if (buf.indexOf(Buffer.from([0, 0])) >= 0 || buf.length > 64 * 1024) break;
  }
  if (!found) throw new InputError(`${what}: no busybox applet table found`);
  const names: string[] = [];
  for (let i = 0; ;) {
    const end = buf.indexOf(0, i);
    if (end <= i) break;
    const name = buf.subarray(i, end).toString('latin1');
    if (!/^[\x21-\x7e]+$/.test(name)) break;
    names.push(name);
    i = end + 1;
  }
  if (names.length < 10) throw new InputError(`${what}: busybox applet table has only ${names.length} names`);
  return names.filter((n) => !SKIP.has(n));
}
