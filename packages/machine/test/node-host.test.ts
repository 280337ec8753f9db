import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { MachineStoppedError } from '../src/machine-stopped.js';
import { runMachine, runWithArgs } from '../src/node-host.js';
import { pkgDir } from './helpers.js';
import { TRAPPING_WASM } from './fixtures/trapping-wasm.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'machine-host-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runWithArgs', () => {
  it('a machine that traps is a runtime failure (exit 4) saying so in one line, not a bug', async () => {
    const wasmPath = join(dir, 'trap.wasm');
    writeFileSync(wasmPath, TRAPPING_WASM);
    const err = await runWithArgs([], {}, { wasmPath, input: null }).then(() => undefined, (e: unknown) => e) as MachineStoppedError;
    expect(err).toBeInstanceOf(MachineStoppedError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe('the machine stopped unexpectedly: RuntimeError: unreachable');
  });

  it('a machine.wasm that is not wasm is bad input naming the file', async () => {
    const wasmPath = join(dir, 'bad.wasm');
    writeFileSync(wasmPath, TRAPPING_WASM.subarray(0, 20));
    const err = await runWithArgs([], {}, { wasmPath, input: null }).then(() => undefined, (e: unknown) => e) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(new RegExp(`^'${wasmPath}' is not a valid wasm module: `));
  });
});

describe('runMachine', () => {
  it('runs the machine.wasm C2W_MACHINE_WASM names instead of the one it is given (c2w run\'s bundle)', async () => {
    const bundled = join(dir, 'missing.wasm'); // never read
    process.env.C2W_MACHINE_WASM = join(pkgDir, 'build', 'wasm', 'machine.wasm');
    try {
      const code = await runMachine({ bios: join(pkgDir, 'build', 'bare', 'exit42.bin'), wasmPath: bundled, input: null });
      expect(code).toBe(42);
    } finally {
      delete process.env.C2W_MACHINE_WASM;
    }
    const err = await runMachine({ bios: join(pkgDir, 'build', 'bare', 'exit42.bin'), wasmPath: bundled, input: null }).then(() => undefined, (e: unknown) => e) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/cannot read machine.wasm '.*missing.wasm'/);
  });
});
