import { elfDeps } from '../../src/guest/elf-needed.js';

// Host binaries serve as ELF samples: the reader is architecture-independent (64-bit LE only).
describe('elfDeps', () => {
  it('reads PT_INTERP and DT_NEEDED of a dynamic executable', async () => {
    const deps = await elfDeps('/bin/ls', 'ls');
    expect(deps?.interp).toMatch(/ld-linux/);
    expect(deps?.needed).toContain('libc.so.6');
    // e_machine of the host's own programs
    expect(deps?.machine).toBe({ x64: 62, riscv64: 243, arm64: 183 }[process.arch as string]);
  });

  it('returns undefined for a file that is not ELF', async () => {
    expect(await elfDeps('test/fixtures/README.md', 'README')).toBeUndefined();
  });
});
