// Bare-metal instruction tests (test/isa, written against qemu-system-riscv64) and our own
// bare-metal programs (test/bare), natively and as wasm under Node.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MODES, pkgDir, runMachine } from './helpers.js';

const bare = (name: string): string => join(pkgDir, 'build', 'bare', `${name}.bin`);

beforeAll(() => {
  const r = spawnSync('make', ['-s', '-C', join(pkgDir, 'test', 'bare')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building test/bare failed: ${r.stderr}`);
});

describe.each(MODES)('ISA programs (%s)', (mode) => {
  it('every test/isa program prints PASS and exits 0', () => {
    const r = spawnSync('bash', [join(pkgDir, 'test', 'run-isa.sh'), mode], { encoding: 'utf8', timeout: 600_000 });
    expect(r.stdout + r.stderr).not.toMatch(/^FAIL/m);
    expect(r.status).toBe(0);
  }, 600_000);

  it('F/D results and fflags match qemu-system-riscv64 bit for bit', async () => {
    const q = spawnSync('qemu-system-riscv64', ['-M', 'virt', '-m', '256M', '-nographic', '-bios', 'none', '-kernel', bare('fpu')],
      { encoding: 'latin1', timeout: 120_000 });
    expect(q.status).toBe(0);
    const r = await runMachine(mode, ['--bios', bare('fpu')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fpu total');
    expect(r.stdout.replace(/\r/g, '')).toBe(q.stdout.replace(/\r/g, ''));
  }, 180_000);

  it('passes the guest exit code ((code << 16) | 0x3333) to the host', async () => {
    const r = await runMachine(mode, ['--bios', bare('exit42')]);
    expect(r.code).toBe(42);
  });
});
