import { requestedPackages, selectEntry } from '../../src/guest/guest-spec.js';

describe('guest spec', () => {
  it('asks for qemu only when foreign architectures are wanted', () => {
    expect(requestedPackages({ arch: 'riscv64', foreignArches: [] })).not.toContain('qemu-user-static');
    expect(requestedPackages({ arch: 'riscv64', foreignArches: ['amd64'] })).toContain('qemu-user-static');
  });

  it('selects the run-time files and leaves the rest', () => {
    const spec = { arch: 'riscv64' as const, foreignArches: ['amd64'] };
    expect(selectEntry(spec, 'runc', 'usr/sbin/runc')).toBe('install');
    expect(selectEntry(spec, 'runc', 'usr/share/doc/runc/copyright')).toBe('skip');
    expect(selectEntry(spec, 'libc6', 'usr/lib/riscv64-linux-gnu/libc.so.6')).toBe('install');
    expect(selectEntry(spec, 'libc6', 'usr/lib/riscv64-linux-gnu/gconv/UTF-16.so')).toBe('skip');
    expect(selectEntry(spec, 'qemu-user', 'usr/bin/qemu-x86_64')).toBe('install');
    expect(selectEntry(spec, 'qemu-user', 'usr/bin/qemu-aarch64')).toBe('skip');
    expect(selectEntry(spec, 'qemu-user', 'usr/share/qemu/binfmt.d/qemu-x86_64.conf')).toBe('binfmt');
    expect(selectEntry(spec, 'gcc-14-base', 'usr/share/doc/gcc-14-base/README')).toBe('skip');
  });

  it('selects the amd64 guest from the x86_64 multiarch directory and /usr/lib64', () => {
    const spec = { arch: 'amd64' as const, foreignArches: [] };
    expect(requestedPackages(spec)).not.toContain('qemu-user-static');
    expect(selectEntry(spec, 'libc6', 'usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('install');
    expect(selectEntry(spec, 'libc6', 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')).toBe('install');
    expect(selectEntry(spec, 'libc6', 'usr/lib64/ld-linux-x86-64.so.2')).toBe('install');
    expect(selectEntry(spec, 'libc6', 'usr/lib/riscv64-linux-gnu/libc.so.6')).toBe('skip');
    expect(selectEntry(spec, 'libseccomp2', 'usr/lib/x86_64-linux-gnu/libseccomp.so.2')).toBe('install');
    expect(selectEntry(spec, 'libgcc-s1', 'usr/lib/x86_64-linux-gnu/libgcc_s.so.1')).toBe('install');
    expect(selectEntry(spec, 'libgcc-s1', 'usr/lib/riscv64-linux-gnu/libgcc_s.so.1')).toBe('skip');
  });
});
