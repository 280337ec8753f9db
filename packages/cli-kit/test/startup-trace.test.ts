import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startupTrace } from '../src/startup-trace.js';

describe('startupTrace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function traced(env: NodeJS.ProcessEnv, phases: string[]): string {
    const path = join(dir, `t${Math.random()}`);
    const fd = openSync(path, 'w');
    const trace = startupTrace(env, fd);
    for (const p of phases) trace(p);
    closeSync(fd);
    return readFileSync(path, 'utf8');
  }

  it('writes nothing unless C2W_TRACE_STARTUP=1', () => {
    expect(traced({}, ['a'])).toBe('');
    expect(traced({ C2W_TRACE_STARTUP: '0' }, ['a'])).toBe('');
  });

  it('writes one line per phase: wall ms since start, the step, CPU ms, the phase', () => {
    const lines = traced({ C2W_TRACE_STARTUP: '1' }, ['oclif loaded', 'bundle read']).split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const [i, phase] of ['oclif loaded', 'bundle read'].entries())
      expect(lines[i]).toMatch(new RegExp(`^c2w-trace: +\\d+\\.\\d ms wall \\(\\+\\d+\\.\\d\\), +\\d+ ms cpu  ${phase}$`));
  });
});
