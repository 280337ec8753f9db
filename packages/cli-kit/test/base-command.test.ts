import { jest } from '@jest/globals';
import { InputError } from '@c2w/errors';
import { BaseCommand } from '../src/index.js';

class Failing extends BaseCommand {
  static override toolName = 'demo';
  error_?: Error;
  async run(): Promise<void> {
    throw this.error_ ?? new Error('unset');
  }
}

async function runWith(err: Error): Promise<{ code: number | string | undefined; stderr: string }> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { writes.push(String(s)); return true; });
  const saved = process.exitCode;
  try {
    const cmd = new Failing([], { bin: 'demo', runHook: async () => ({ successes: [], failures: [] }) } as never);
    await cmd.catch(Object.assign(err, {}));
    return { code: process.exitCode, stderr: writes.join('') };
  } finally {
    process.exitCode = saved;
    spy.mockRestore();
  }
}

describe('BaseCommand.catch', () => {
  it('prints one line and exits 1 for bad input', async () => {
    const r = await runWith(new InputError('reading layer 1 of 2: digest mismatch'));
    expect(r).toEqual({ code: 1, stderr: 'demo: reading layer 1 of 2: digest mismatch\n' });
  });
  it('reports a full disk or a permission error nobody named as the environment (exit 3), no stack', async () => {
    const r = await runWith(Object.assign(new Error("EACCES: permission denied, open '/ro/x'"), { code: 'EACCES', syscall: 'open' }));
    expect(r).toEqual({ code: 3, stderr: "demo: EACCES: permission denied, open '/ro/x'\n" });
  });
  it('marks unknown errors as internal with a stack (exit 70)', async () => {
    const r = await runWith(new TypeError('x is undefined'));
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^demo: internal error .*x is undefined\n/);
    expect(r.stderr).toMatch(/at /);
  });
});

describe('positionals', () => {
  it('keeps positional tokens in order, repeats included, without flags', async () => {
    const { Args, Flags, Parser, positionals } = await import('../src/index.js');
    const parsed = await Parser.parse(['a.tar', '-o', 'x', 'b.tar', 'a.tar', '--', '-c'], {
      args: { first: Args.string() }, flags: { o: Flags.string({ char: 'o' }) }, strict: false,
    });
    expect(positionals(parsed.raw)).toEqual(['a.tar', 'b.tar', 'a.tar', '-c']);
  });
});
