import { EventEmitter } from 'node:events';
import { hostTerminalSize } from '../../src/run/host-terminal.js';

// The terminal size c2w run -t follows. A real terminal's raw mode and restore are driven on a
// real pty in e2e/test/tty.e2e.test.ts; here, which stream is asked and when.
const stream = (isTTY: boolean, rows: number, columns: number) => Object.assign(new EventEmitter(), { isTTY, rows, columns }) as unknown as NodeJS.WriteStream;

describe('hostTerminalSize', () => {
  it('takes the size of stdout\'s terminal, else stderr\'s, and follows its resize events', () => {
    const out = stream(false, 1, 1);
    const err = stream(true, 30, 100);
    const t = hostTerminalSize([out, err]);
    expect(t.size()).toEqual({ rows: 30, cols: 100 });
    const seen: number[] = [];
    const stop = t.onResize(() => seen.push(t.size().rows));
    Object.assign(err, { rows: 50 });
    err.emit('resize');
    stop();
    err.emit('resize');
    expect(seen).toEqual([50]);
    expect(hostTerminalSize([stream(true, 24, 80), err]).size()).toEqual({ rows: 24, cols: 80 });
  });

  it('is 0x0 with no terminal on either (as docker leaves the pty)', () => {
    const t = hostTerminalSize([stream(false, 5, 5), stream(false, 5, 5)]);
    expect(t.size()).toEqual({ rows: 0, cols: 0 });
    expect(() => t.onResize(() => undefined)()).not.toThrow();
  });
});
