import { jest } from '@jest/globals';
import { requirePrerequisite } from '../src/index.js';

describe('requirePrerequisite', () => {
  let stderr: string;
  let spy: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    stderr = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
  });
  afterEach(() => spy.mockRestore());

  it('passes silently when the prerequisite is met, CI or not', () => {
    expect(requirePrerequisite('a cached kernel', true, { CI: 'true' })).toBe(true);
    expect(requirePrerequisite('a cached kernel', true, {})).toBe(true);
    expect(stderr).toBe('');
  });

  it.each([{}, { CI: '' }, { CI: 'false' }, { CI: '0' }])('skips loudly at a desk (%j)', (env) => {
    expect(requirePrerequisite('a cached kernel', false, env)).toBe(false);
    expect(stderr).toBe('\n*** SKIPPING: prerequisite missing: a cached kernel (under CI=true this fails) ***\n\n');
  });

  it.each(['true', '1', 'yes'])('fails under CI=%s, naming what is missing', (ci) => {
    expect(() => requirePrerequisite('a cached kernel', false, { CI: ci })).toThrow(`prerequisite missing under CI=${ci}: a cached kernel`);
    expect(stderr).toBe('');
  });
});
