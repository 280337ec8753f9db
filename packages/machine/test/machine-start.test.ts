import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { compileMachine, startMachine } from '../src/machine-start.js';
import { runWithArgs } from '../src/node-host.js';
import { StdinRing } from '../src/stdin-ring.js';

// A WASI command whose _start returns at once: exit status 0.
const EMPTY_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, ...Buffer.from('memory'), 0x02, 0x00,
  0x06, ...Buffer.from('_start'), 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
]);

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'machine-start-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compileMachine', () => {
  it('compiles a path once: an early start and the run share the promise', async () => {
    const wasmPath = join(dir, 'once.wasm');
    writeFileSync(wasmPath, EMPTY_WASM);
    const phases: string[] = [];
    const first = compileMachine(wasmPath, (p) => phases.push(p));
    expect(compileMachine(wasmPath)).toBe(first);
    await first;
    expect(phases).toEqual(['machine.wasm compiled']);
  });

  it('a file it cannot read is bad input naming it, and a later call tries again', async () => {
    const wasmPath = join(dir, 'later.wasm');
    await expect(compileMachine(wasmPath)).rejects.toThrow(InputError);
    writeFileSync(wasmPath, EMPTY_WASM);
    await expect(compileMachine(wasmPath)).resolves.toBeDefined();
  });
});

describe('startMachine', () => {
  it('boots a worker that waits for its input, then runs it', async () => {
    const wasmPath = join(dir, 'run.wasm');
    writeFileSync(wasmPath, EMPTY_WASM);
    const phases: string[] = [];
    const start = startMachine((p) => phases.push(p));
    // the worker is up before it has anything to run
    await new Promise((r) => setTimeout(r, 300));
    expect(phases).toContain('machine worker online');
    expect(await runWithArgs([], {}, { wasmPath, input: null, start })).toBe(0);
    expect(phases).toContain('machine instantiated, guest starts');
  });

  it('a cancelled worker ends without running anything', async () => {
    const start = startMachine();
    start.cancel();
    const ring = new StdinRing();
    const outcome = await start.run({ module: await compileMachine(join(dir, 'run.wasm')), args: [], preopens: {}, ring: ring.sab, stdout: 1, stderr: 2 });
    expect(outcome.result).toBeUndefined();
  });
});
