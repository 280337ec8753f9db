// @ts-expect-error plain browser JavaScript, no declarations
import { LineDiscipline } from '../../web/line-discipline.js';

function tty() {
  const sent: string[] = [];
  let screen = '';
  const ld = new LineDiscipline((b: Uint8Array) => sent.push(Buffer.from(b).toString()), (t: string) => { screen += t; });
  return { ld, sent, screen: () => screen };
}

describe('LineDiscipline', () => {
  it('echoes keys and sends the line with a newline on Enter', () => {
    const t = tty();
    t.ld.feed('echo hi');
    expect(t.sent).toEqual([]);
    t.ld.feed('\r');
    expect(t.sent).toEqual(['echo hi\n']);
    expect(t.screen()).toBe('echo hi\r\n');
  });
  it('erases with backspace and Ctrl-U, and ignores escape sequences', () => {
    const t = tty();
    t.ld.feed('lx');
    t.ld.feed('\x7f');
    t.ld.feed('s\x1b[A');
    t.ld.feed('\r');
    t.ld.feed('junk\x15ok\r');
    expect(t.sent).toEqual(['ls\n', 'ok\n']);
  });
  it('sends Ctrl-C at once as 0x03 and drops the line typed so far', () => {
    const t = tty();
    t.ld.feed('half');
    t.ld.feed('\x03');
    expect(t.sent).toEqual(['\x03']);
    expect(t.screen()).toBe('half^C\r\n');
  });
  it('splits pasted text into lines and keeps UTF-8', () => {
    const t = tty();
    t.ld.feed('a é\rb\r');
    expect(t.sent).toEqual(['a é\n', 'b\n']);
  });
});
