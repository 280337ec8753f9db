// The x86-64 CPU's instruction tests: each program of test/x86_64 (static, no libc, printing
// results and flags of operand sweeps) runs on qemu-x86_64 and on our CPU's user-mode runner,
// natively and as wasm under Node, and the outputs must be the same bytes.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { MODES, found, pkgDir, type Mode, x86Gcc } from './helpers.js';

const srcDir = join(pkgDir, 'test', 'x86_64');
const outDir = join(pkgDir, 'build', 'x86_64-test');
const runner = join(pkgDir, 'build', 'native', 'c2w-x86-user');
const wasmRunner = join(srcDir, 'run-wasm.mjs');

const cc = x86Gcc();
const qemu = ['qemu-x86_64-static', 'qemu-x86_64'].find(found);
const ready = requirePrerequisite('an x86-64 gcc (host gcc or gcc-x86-64-linux-gnu) and qemu-x86_64 (qemu-user-static)',
  cc !== undefined && qemu !== undefined);
const programs = readdirSync(srcDir).filter((n) => n.endsWith('.c')).map((n) => n.slice(0, -2)).sort();
// x87trans has its own reference (the host CPU) and a 1-ulp comparison: x86_64-x87trans.test.ts
const compared = programs.filter((p) => !p.startsWith('fault-') && p !== 'x87trans');

interface Run { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'latin1', timeout: 300_000, maxBuffer: 64 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
const runOurs = (mode: Mode, program: string): Run => mode === 'native'
  ? run(runner, [join(outDir, program)])
  : run(process.execPath, [wasmRunner, join(outDir, program)]);

const expected = new Map<string, Run>();
(ready ? describe : describe.skip)('x86-64 user-mode programs', () => {
  beforeAll(() => {
    const made = spawnSync('make', ['-s', '-C', srcDir, `OUT=${outDir}`, `CC=${cc}`], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`building test/x86_64 failed: ${made.stderr}`);
    for (const p of compared) expected.set(p, run(qemu!, [join(outDir, p)]));
  }, 300_000);

  it('has programs for ALU flags, shifts, multiply/divide, bit ops, strings, SSE/SSE2, control flow, x87 control state, x87 arithmetic, MMX, self-modifying code, compiled code and static glibc', () => {
    expect(compared).toEqual(expect.arrayContaining(['alu', 'shift', 'muldiv', 'bits', 'string', 'sse', 'control', 'mix', 'x87ctl', 'x87', 'mmx', 'libc-printf', 'smc']));
    for (const p of compared) {
      expect(expected.get(p)?.status).toBe(0);
      expect(expected.get(p)?.stdout.length).toBeGreaterThan(20);
    }
  });

  describe.each(MODES)('on our CPU (%s)', (mode) => {
    it.each(compared)('%s prints what it prints on qemu-x86_64', (program) => {
      const ours = runOurs(mode, program);
      expect(ours.stderr).toBe('');
      expect(ours.status).toBe(0);
      // compare line by line first so a mismatch names the operation and operands
      const want = expected.get(program)!.stdout.split('\n');
      const got = ours.stdout.split('\n');
      const first = want.findIndex((line, i) => got[i] !== line);
      expect(first === -1 ? null : { line: first + 1, qemu: want[first], ours: got[first] }).toBeNull();
      expect(ours.stdout).toBe(expected.get(program)!.stdout);
    }, 300_000);

    // qemu-x86_64 dies of the signal Linux sends; our runner names the exception, the faulting
    // instruction's address (the first such instruction in main, from objdump) and exits 4, with the output before it
    it.each([
      ['fault-de', 'divide error (#DE)', 'idiv'],
      ['fault-ud', 'invalid opcode (#UD)', 'ud2'],
      ['fault-gp', 'general protection (#GP)', 'movaps'],
      // a fused CMP and Jcc (ADR 0053) faults at the CMP
      ['fault-pf', 'page fault (#PF)', 'cmpq'],
    ])('%s: reports %s at the %s and exits 4', (program, message, insn) => {
      const q = run(qemu!, [join(outDir, program)]);
      expect(q.stdout).toBe('before\n');
      expect(q.status === 0).toBe(false);
      const ours = runOurs(mode, program);
      expect(ours.stdout).toBe('before\n');
      expect(ours.status).toBe(4);
      const rip = new RegExp(`${message.replace(/[()]/g, '\\$&')} at rip 0x([0-9a-f]+)`).exec(ours.stderr)?.[1];
      const dis = spawnSync('objdump', ['-d', join(outDir, program)], { encoding: 'utf8' }).stdout.split('<main>:')[1];
      const at = new RegExp(`^\\s*([0-9a-f]+):[^\\n]*\\t${insn}\\b`, 'm').exec(dis)?.[1];
      expect(at).toBeDefined();
      expect(rip).toBe(at);
    });
  });
});
