import { UsageError } from '@c2w/errors';
import { runQuery } from '../../src/serve/run-query.js';

describe('runQuery', () => {
  it('takes repeated arg as the command and env as KEY=VALUE, in order, for the console', () => {
    const q = new URLSearchParams('arg=sh&arg=-c&arg=echo%20%24A%20b&env=A=1&env=B=x%3Dy');
    expect(runQuery(q)).toEqual({ args: ['sh', '-c', 'echo $A b'], env: ['A=1', 'B=x=y'], entrypoint: undefined, workdir: undefined, user: undefined, stdin: 'tty' });
  });
  it('keeps the image\'s Cmd without arg and passes entrypoint, workdir and user', () => {
    expect(runQuery(new URLSearchParams('entrypoint=/bin/sh&workdir=/tmp&user=1:2'))).toMatchObject({ args: [], entrypoint: '/bin/sh', workdir: '/tmp', user: '1:2' });
  });
  it('refuses env without = and a flag given twice', () => {
    expect(() => runQuery(new URLSearchParams('env=NOPE'))).toThrow(new UsageError("env parameter 'NOPE' is not KEY=VALUE"));
    expect(() => runQuery(new URLSearchParams('user=a&user=b'))).toThrow(/parameter 'user' given 2 times/);
  });
  it('takes init=1 as docker\'s --init; 0 or none leaves it out', () => {
    expect(runQuery(new URLSearchParams('arg=sh&init=1')).init).toBe(true);
    expect(runQuery(new URLSearchParams('arg=sh&init=0'))).not.toHaveProperty('init');
    expect(runQuery(new URLSearchParams('arg=sh'))).not.toHaveProperty('init');
    expect(() => runQuery(new URLSearchParams('init=true'))).toThrow(new UsageError("parameter 'init' is 'true', expected 1 or 0"));
  });
  it('takes rows and cols (the terminal size the page\'s worker adds) as the pty size', () => {
    expect(runQuery(new URLSearchParams('arg=sh&rows=40&cols=132')).tty).toEqual({ rows: 40, cols: 132 });
    expect(runQuery(new URLSearchParams('arg=sh&rows=40')).tty).toBeUndefined();
    expect(() => runQuery(new URLSearchParams('rows=-1&cols=80'))).toThrow(new UsageError("parameter 'rows' is '-1', expected a number 0..65535"));
    expect(() => runQuery(new URLSearchParams('rows=24&cols=70000'))).toThrow(/parameter 'cols' is '70000'/);
  });
});
