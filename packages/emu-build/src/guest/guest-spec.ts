import { QEMU_TARGETS } from './binfmt.js';
import { GUEST_ARCH, type GuestArch } from './guest-arch.js';

/** The glibc shared objects the OCI runtime needs at run time (plus glibc's dlopen'ed ones). */
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
  /** The OCI runtime c2w-init starts the container with (docs/decisions/0042); default crun. */
  ociRuntime?: OciRuntime;
}

/** The OCI runtimes a guest can ship: crun (C, the default) or runc (Go, the one before ADR 0042). */
export const OCI_RUNTIMES = ['crun', 'runc'] as const;
export type OciRuntime = (typeof OCI_RUNTIMES)[number];
export const DEFAULT_OCI_RUNTIME: OciRuntime = 'crun';

/** Each runtime's program (its Debian path) and the library packages it links beyond libc6. */
export const RUNTIME_FILES: Record<OciRuntime, { program: string; libs: string[] }> = {
  crun: { program: 'usr/bin/crun', libs: ['libseccomp2', 'libcap2', 'libsystemd0', 'libyajl2'] },
  runc: { program: 'usr/sbin/runc', libs: ['libseccomp2'] },
};

/** The runtime's libraries by package: file name pattern under usr/lib/<triplet>/. */
const RUNTIME_LIBS: Record<string, RegExp> = {
  libseccomp2: /^libseccomp\.so\.2[0-9.]*$/,
  libcap2: /^libcap\.so\.2[0-9.]*$/,
  libsystemd0: /^libsystemd\.so\.0[0-9.]*$/,
  libyajl2: /^libyajl\.so\.2[0-9.]*$/,
};

export function requestedPackages(spec: GuestSpec): string[] {
  const runtime = spec.ociRuntime ?? DEFAULT_OCI_RUNTIME;
  // libgcc-s1: glibc dlopens libgcc_s.so.1 for pthread_exit/cancel and backtraces
  const names = ['busybox-static', runtime, 'libc6', ...RUNTIME_FILES[runtime].libs, 'libgcc-s1'];
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
    case 'runc': case 'crun': return pkg === (spec.ociRuntime ?? DEFAULT_OCI_RUNTIME) && path === RUNTIME_FILES[pkg].program ? 'install' : 'skip';
    case 'libc6':
      if (path === loaderLink) return 'install';
      return lib !== undefined && (lib === loader || LIBS.has(lib)) ? 'install' : 'skip';
    case 'libseccomp2': case 'libcap2': case 'libsystemd0': case 'libyajl2':
      return lib !== undefined && RUNTIME_LIBS[pkg]!.test(lib) ? 'install' : 'skip';
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
