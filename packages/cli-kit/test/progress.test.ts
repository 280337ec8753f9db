import { jest } from '@jest/globals';
import { createProgress, type ProgressStream } from '../src/index.js';

function sink(isTTY: boolean): ProgressStream & { text: string } {
  const s = { text: '', isTTY, columns: 40, write(t: string) { s.text += t; return true; } };
  return s;
}

describe('createProgress', () => {
  it('writes only note lines when not interactive', () => {
    const s = sink(false);
    const p = createProgress('c2w convert', s, false);
    p.note('image: riscv64');
    p.status('root.iso: 10 entries');
    p.stop();
    expect(s.text).toBe('c2w convert: image: riscv64\n');
  });

  it('draws a spinner status line in place and keeps notes above it', () => {
    jest.useFakeTimers();
    try {
      const s = sink(true);
      const p = createProgress('c2w convert', s, true);
      p.status('root.iso: 10 entries');
      expect(s.text).toBe('\r\x1b[2K⠋ c2w convert: root.iso: 10 entries');
      jest.advanceTimersByTime(80);
      expect(s.text.endsWith('\r\x1b[2K⠙ c2w convert: root.iso: 10 entries')).toBe(true);
      s.text = '';
      p.note('root.iso: done');
      expect(s.text).toBe('\r\x1b[2Kc2w convert: root.iso: done\n\r\x1b[2K⠙ c2w convert: root.iso: 10 entries');
      s.text = '';
      p.stop();
      expect(s.text).toBe('\r\x1b[2K');
      jest.advanceTimersByTime(500);
      expect(s.text).toBe('\r\x1b[2K');
    } finally {
      jest.useRealTimers();
    }
  });

  it('cuts the status line to the terminal width', () => {
    const s = sink(true);
    const p = createProgress('x', s, true);
    p.status('a'.repeat(100));
    p.stop();
    const line = s.text.split('\r\x1b[2K')[1] ?? '';
    expect(line.length).toBe(39);
    expect(line.endsWith('…')).toBe(true);
  });

  it('draws 80 columns wide on a pty that reports no size (0 columns)', () => {
    const s = { ...sink(true), columns: 0 };
    s.write = (t: string) => { s.text += t; return true; };
    const p = createProgress('x', s, true);
    p.status('a'.repeat(100));
    p.stop();
    const line = s.text.split('\r\x1b[2K')[1] ?? '';
    expect(line.length).toBe(79);
  });
});
