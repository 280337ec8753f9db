import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@c2w/errors';
import { stateDirOf, stateHome } from '../../src/wlayer/state-paths.js';

describe('state paths', () => {
  it('puts named states under the XDG state home, or C2W_STATE_HOME', () => {
    expect(stateHome({})).toBe(join(homedir(), '.local', 'state', 'c2w'));
    expect(stateDirOf({ name: 'web-1' }, { XDG_STATE_HOME: '/x' })).toBe('/x/c2w/containers/web-1');
    expect(stateDirOf({ name: 'a.b_c' }, { C2W_STATE_HOME: '/s' })).toBe('/s/containers/a.b_c');
    expect(stateDirOf({ stateDir: '/d/st' })).toBe('/d/st');
    expect(stateDirOf({})).toBeUndefined();
  });
  it.each(['', '../x', 'a/b', '-a', '.hidden'])('refuses the name %j', (name) => {
    expect(() => stateDirOf({ name })).toThrow(UsageError);
  });
  it('refuses --name with --state', () => {
    expect(() => stateDirOf({ name: 'a', stateDir: '/d' })).toThrow('--name and --state both name a state; give one');
  });
});
