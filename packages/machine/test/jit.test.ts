// The JIT tier (docs/decisions/0040): the ISA programs and JIT-specific bare programs (every
// translated operation on edge values, self-modifying code) give the same results with --jit as
// without it and as qemu-system-riscv64, with translations actually running; and machine.wasm
// still instantiates and runs on plain node:wasi, which knows nothing of the JIT.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';
import { pkgDir, runMachine } from './helpers.js';

const bare = (name: string): string => join(pkgDir, 'build', 'bare', `${name}.bin`);
const JIT_LINE = /^c2w-machine: jit: (\d+) instructions in translations; (\d+) blocks translated in (\d+) modules, (\d+) refused$/m;

beforeAll(() => {
  const r = spawnSync('make', ['-s', '-C', join(pkgDir, 'test', 'bare')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building test/bare failed: ${r.stderr}`);
});

/** Instructions the translations retired, from the host's --stats line. */
function retired(stderr: string): number {
  const m = JIT_LINE.exec(stderr);
  if (!m) throw new Error(`no JIT line in: ${stderr}`);
  return Number(m[1]);
}

describe('the JIT tier (wasm under Node, --jit)', () => {
  it('every test/isa program prints PASS and exits 0', () => {
    const r = spawnSync('bash', [join(pkgDir, 'test', 'run-isa.sh'), 'wasm-jit'], { encoding: 'utf8', timeout: 600_000 });
    expect(r.stdout + r.stderr).not.toMatch(/^FAIL/m);
    expect(r.status).toBe(0);
  }, 600_000);

  it.each(['jitops', 'smc', 'bench'])('%s gives the same output as qemu-system-riscv64 and the interpreter, a good share of it from translations', async (name) => {
    const q = spawnSync('qemu-system-riscv64', ['-M', 'virt', '-m', '256M', '-nographic', '-bios', 'none', '-kernel', bare(name)], { encoding: 'latin1', timeout: 120_000 });
    expect(q.status).toBe(0);
    const [jit, interp] = await Promise.all([
      runMachine('wasm', ['--bios', bare(name), '--jit', '--stats'], { timeoutMs: 300_000 }),
      runMachine('native', ['--bios', bare(name), '--stats']),
    ]);
    expect(jit.code).toBe(0);
    expect(jit.stdout.replace(/\r/g, '')).toBe(q.stdout.replace(/\r/g, ''));
    expect(jit.stdout).toBe(interp.stdout);
    // the same instructions retired, a share of them by translated code
    const count = (s: string): number => Number(/c2w-machine: (\d+) instructions in/.exec(s)?.[1]);
    expect(count(jit.stderr)).toBe(count(interp.stderr));
    expect(retired(jit.stderr)).toBeGreaterThan(count(jit.stderr) / 4);
  }, 300_000);

  it('runs on plain node:wasi without any JIT host: --jit only counts blocks there', () => {
    setFlagsFromString('--no-turbo-fast-api-calls'); // node:wasi's crash (node-host.ts), before compiling
    const module = new WebAssembly.Module(readFileSync(join(pkgDir, 'build', 'wasm', 'machine.wasm')));
    expect(new Set(WebAssembly.Module.imports(module).map((i) => i.module))).toEqual(new Set(['wasi_snapshot_preview1']));
    const wasi = new WASI({ version: 'preview1', args: ['c2w-machine', '--bios', '/b/exit42.bin', '--jit'], preopens: { '/b': join(pkgDir, 'build', 'bare') }, returnOnExit: true });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
    expect(wasi.start(instance)).toBe(42);
    expect((instance.exports['c2w_jit_info'] as () => number)()).toBeGreaterThan(0);
  });
});
