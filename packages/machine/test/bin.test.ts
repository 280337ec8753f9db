import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBin } from './helpers.js';
import { TRAPPING_WASM } from './fixtures/trapping-wasm.js';

// bin/c2w-machine-node.js: exit statuses and one-line errors (README.md), through the real bin.
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'machine-bin-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [nodeBin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input: '' });

describe('c2w-machine-node', () => {
  it('a machine.wasm that traps (C2W_MACHINE_WASM) exits 4 with one line', () => {
    const wasm = join(dir, 'trap.wasm');
    writeFileSync(wasm, TRAPPING_WASM);
    writeFileSync(join(dir, 'fw.bin'), 'fw');
    const r = run(['--bios', join(dir, 'fw.bin')], { C2W_MACHINE_WASM: wasm });
    expect(r.stderr).toBe('c2w-machine: the machine stopped unexpectedly: RuntimeError: unreachable\n');
    expect(r.status).toBe(4);
  });

  it.each([
    [['--bios', 'fw', '--bogus'], 2, "c2w-machine: unknown option '--bogus' (try --help)\n"],
    [['--config', '/nonexistent/c.json'], 1, "c2w-machine: cannot open config '/nonexistent/c.json': No such file or directory\n"],
  ])('%j exits %d with one line', (args, status, stderr) => {
    const r = run(args);
    expect(r.stderr).toBe(stderr);
    expect(r.status).toBe(status);
  });
});
