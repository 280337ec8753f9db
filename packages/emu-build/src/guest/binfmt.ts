import { InputError } from '@c2w/errors';

/** OCI architecture -> qemu-user target name (the binary is /usr/bin/qemu-<target>). */
export const QEMU_TARGETS: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  '386': 'i386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  mips64le: 'mips64el',
  loong64: 'loongarch64',
};

/**
 * A binfmt_misc registration line for our guest, built from the magic and mask of the Debian
 * qemu package's binfmt.d file (`:qemu-x86_64:M::<magic>:<mask>:<interp>:<flags>`). We keep magic
 * and mask, point at the static emulator and use flags:
 * - F: the kernel opens the emulator at registration time, so the container root does not need
 *   to contain it;
 * - P: the program's own argv[0] reaches it (the kernel says so in AT_FLAGS, which qemu reads).
 *   Without it argv[0] becomes the file's path, and a program that execs with another argv[0]
 *   breaks: busybox's shell runs its applets as /proc/self/exe with argv[0] `cat`, and then saw
 *   `busybox /etc/motd` ("motd: applet not found"). Login shells (`-sh`) and `exec -a` too.
 */
export function registrationLine(conf: string, target: string, what: string): string {
  const line = conf.split('\n').map((l) => l.trim()).find((l) => l.startsWith(':'));
  if (!line) throw new InputError(`${what}: no binfmt registration line`);
  const sep = line[0]!;
  const f = line.slice(1).split(sep);
  // name, type, offset, magic, mask, interpreter, flags
  if (f.length < 6 || f[1] !== 'M' || !f[3]) throw new InputError(`${what}: unexpected binfmt line ${JSON.stringify(line)}`);
  return `:qemu-${target}:M:${f[2]}:${f[3]}:${f[4]}:/usr/bin/qemu-${target}:PF\n`;
}
