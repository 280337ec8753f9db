/** The guest base's own architectures (OCI and Debian names agree for these two). */
export const GUEST_ARCHES = ['riscv64', 'amd64'] as const;
export type GuestArch = (typeof GUEST_ARCHES)[number];

export interface GuestArchInfo {
  /** Debian multiarch triplet: the library directory usr/lib/<triplet>/. */
  triplet: string;
  /** The glibc loader's soname, and where PT_INTERP names it (merged /usr: /lib* -> usr/lib*). */
  loader: string;
  loaderLink: string;
  /** e_machine of every ELF file in the guest (ELF-64 spec; EM_RISCV 243, EM_X86_64 62). */
  elfMachine: number;
  /** The kernel that boots this guest: its build script's folder under tools/, its artifact. */
  kernel: { tools: string; file: 'Image' | 'vmlinux'; cacheDir: string };
}

export const GUEST_ARCH: Record<GuestArch, GuestArchInfo> = {
  riscv64: {
    triplet: 'riscv64-linux-gnu', loader: 'ld-linux-riscv64-lp64d.so.1', loaderLink: 'usr/lib/ld-linux-riscv64-lp64d.so.1', elfMachine: 243,
    kernel: { tools: 'riscv64', file: 'Image', cacheDir: 'kernel' },
  },
  amd64: {
    // PT_INTERP is /lib64/ld-linux-x86-64.so.2, so the guest needs lib64 -> usr/lib64 as well
    triplet: 'x86_64-linux-gnu', loader: 'ld-linux-x86-64.so.2', loaderLink: 'usr/lib64/ld-linux-x86-64.so.2', elfMachine: 62,
    kernel: { tools: 'x86_64', file: 'vmlinux', cacheDir: 'kernel-x86_64' },
  },
};
