import { requestedPackages, selectEntry } from '../../src/guest/guest-spec.js';

describe('guest spec', () => {
  it('asks for qemu only when foreign architectures are wanted', () => {
    expect(requestedPackages({ arch: 'riscv64', foreignArches: [] })).not.toContain('qemu-user-static');
    expect(requestedPackages({ arch: 'riscv64', foreignArches: ['amd64'] })).toContain('qemu-user-static');
  });

  it('asks for crun and its libraries by default, runc and libseccomp2 when told (ADR 0042)', () => {
    const crun = requestedPackages({ arch: 'riscv64', foreignArches: [] });
    expect(crun).toEqual(expect.arrayContaining(['crun', 'libseccomp2', 'libcap2', 'libsystemd0', 'libyajl2', 'libgcc-s1']));
    expect(crun).not.toContain('runc');
    const runc = requestedPackages({ arch: 'amd64', foreignArches: [], ociRuntime: 'runc' });
    expect(runc).toEqual(expect.arrayContaining(['runc', 'libseccomp2']));
    expect(runc.filter((n) => /crun|libcap2|libsystemd0|libyajl2/.test(n))).toEqual([]);
  });

  it('installs crun and its shared objects, and never the runtime that was not chosen', () => {
    const spec = { arch: 'riscv64' as const, foreignArches: [] };
    expect(selectEntry(spec, 'crun', 'usr/bin/crun')).toBe('install');
    expect(selectEntry(spec, 'crun', 'usr/share/man/man1/crun.1.gz')).toBe('skip');
    expect(selectEntry(spec, 'runc', 'usr/sbin/runc')).toBe('skip');
    expect(selectEntry({ ...spec, ociRuntime: 'runc' }, 'crun', 'usr/bin/crun')).toBe('skip');
    expect(selectEntry(spec, 'libcap2', 'usr/lib/riscv64-linux-gnu/libcap.so.2.75')).toBe('install');
    expect(selectEntry(spec, 'libcap2', 'usr/lib/riscv64-linux-gnu/libpsx.so.2.75')).toBe('skip');
    expect(selectEntry(spec, 'libsystemd0', 'usr/lib/riscv64-linux-gnu/libsystemd.so.0')).toBe('install');
    expect(selectEntry(spec, 'libsystemd0', 'usr/lib/riscv64-linux-gnu/libsystemd.so.0.40.0')).toBe('install');
    expect(selectEntry(spec, 'libyajl2', 'usr/lib/riscv64-linux-gnu/libyajl.so.2.1.0')).toBe('install');
    expect(selectEntry(spec, 'libyajl2', 'usr/share/doc/libyajl2/copyright')).toBe('skip');
  });

  it('selects the run-time files and leaves the rest', () => {
    const spec = { arch: 'riscv64' as const, foreignArches: ['amd64'], ociRuntime: 'runc' as const };
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
