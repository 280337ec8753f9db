import { QEMU_TARGETS } from './binfmt.js';
import { GUEST_ARCH, type GuestArch } from './guest-arch.js';

/** The shared objects runc and busybox need at run time (plus glibc's dlopen'ed ones). */
const LIBS = new Set([
  'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1',
  'libresolv.so.2', 'libutil.so.1', 'libanl.so.1', 'libnss_files.so.2', 'libnss_dns.so.2',
]);

/**
 * What the guest base is made of: Debian package names to resolve, and which of their files to
 * install. Everything else (docs, gconv, locales, other emulators) stays out of guest.tar.
 */
export interface GuestSpec {
  /** The guest's own architecture: the packages' and the machine's. */
  arch: GuestArch;
  /** OCI architectures for which qemu-user emulators and binfmt_misc lines are shipped. */
  foreignArches: string[];
}

export function requestedPackages(spec: GuestSpec): string[] {
  const names = ['busybox-static', 'runc', 'libc6', 'libseccomp2', 'libgcc-s1'];
  if (spec.foreignArches.length) names.push('qemu-user-static');
  return names;
}

export type Selection = 'install' | 'binfmt' | 'skip';

/** Decides, per package and data.tar path (no leading ./), what happens with an entry. */
export function selectEntry(spec: GuestSpec, pkg: string, path: string): Selection {
  const targets = spec.foreignArches.map((a) => QEMU_TARGETS[a]);
  const { triplet, loader, loaderLink } = GUEST_ARCH[spec.arch];
  const libDir = `usr/lib/${triplet}/`;
  const lib = path.startsWith(libDir) ? path.slice(libDir.length) : undefined;
  switch (pkg) {
    case 'busybox-static': return path === 'usr/bin/busybox' ? 'install' : 'skip';
    case 'runc': return path === 'usr/sbin/runc' ? 'install' : 'skip';
    case 'libc6':
      if (path === loaderLink) return 'install';
      return lib !== undefined && (lib === loader || LIBS.has(lib)) ? 'install' : 'skip';
    case 'libseccomp2': return lib !== undefined && /^libseccomp\.so\.2[0-9.]*$/.test(lib) ? 'install' : 'skip';
    case 'libgcc-s1': return lib === 'libgcc_s.so.1' ? 'install' : 'skip';
    case 'qemu-user': {
      const bin = /^usr\/bin\/qemu-([a-z0-9_]+)$/.exec(path);
      if (bin && targets.includes(bin[1])) return 'install';
      const conf = /^usr\/share\/qemu\/binfmt\.d\/qemu-([a-z0-9_]+)\.conf$/.exec(path);
      if (conf && targets.includes(conf[1])) return 'binfmt';
      return 'skip';
    }
    default: return 'skip';
  }
}
