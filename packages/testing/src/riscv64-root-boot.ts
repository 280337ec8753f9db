import { execa } from 'execa';

/** The busybox initramfs of tools/riscv64/artifacts.sh as a pax tar: the base of a bootable root image. */
export async function initrdAsTar(initrd: string): Promise<Buffer> {
  const r = await execa('bsdtar', ['-cf', '-', '--format', 'pax', `@${initrd}`], { encoding: 'buffer', maxBuffer: 1 << 28 });
  return Buffer.from(r.stdout);
}

/**
 * Boots qemu-system-riscv64 (the reference machine) with IMAGE as a read-only virtio-blk root of
 * type FSTYPE and the cached firmware and kernel; returns the console text with CRs removed.
 */
export async function bootRiscv64Root(artifacts: Record<string, string>, image: string, fstype: string): Promise<string> {
  const boot = await execa('qemu-system-riscv64', [
    '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic', '-bios', artifacts['C2W_FW']!,
    '-kernel', artifacts['C2W_KERNEL']!, '-drive', `file=${image},format=raw,if=none,id=hd,readonly=on`, '-device', 'virtio-blk-device,drive=hd',
    '-append', `console=ttyS0 earlycon root=/dev/vda rootfstype=${fstype} ro init=/init`,
  ], { reject: false, timeout: 240_000, stdin: 'ignore' });
  return boot.stdout.replace(/\r/g, '');
}

/** The console lines between BEGIN and END markers a guest script printed. */
export function consoleSection(console: string, begin: string, end: string): string[] {
  return console.slice(console.indexOf(begin), console.indexOf(end)).split('\n');
}
