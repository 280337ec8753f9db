// The structural property the machine's speed under V8 depends on: the budgeted hot loop
// (cpu_run) stays a function of its own that returns to its caller every slice. V8 only tiers up
// code that returns; inlined into the caller's endless loop (what binaryen's wasm-opt -O2 did),
// it stays in the baseline compiler and the machine runs 3x slower (docs/decisions/0017).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pkgDir } from './helpers.js';
import { callGraph, callersOf } from './wasm-calls.js';

const wasm = readFileSync(join(pkgDir, 'build', 'wasm', 'machine.wasm'));

describe('build/wasm/machine.wasm', () => {
  it('keeps cpu_run a function of its own, called by the machine loop (not inlined)', () => {
    const graph = callGraph(wasm);
    expect(callersOf(graph, 'cpu_run')).toEqual(['machine_run_to_exit']);
    // its copy with the JIT's block entries (docs/decisions/0040), the same way
    expect(callersOf(graph, 'cpu_run_jit')).toEqual(['machine_run_to_exit']);
  });

  it('keeps the x86-64 CPU\'s x86_run a function of its own, called by the microvm board\'s loop', () => {
    const graph = callGraph(wasm);
    expect(callersOf(graph, 'x86_run')).toEqual(['x86_microvm_run']);
  });
});
